package dev.eventline.benchmarks;

import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.aggregate.Aggregate;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import dev.eventline.core.snapshot.InMemorySnapshotStore;
import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.core.snapshot.SnapshotStrategy;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.JdbcSnapshotStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An Eventline store for one benchmark trial (in memory, or JDBC over a {@link Database}), with its snapshot store
 * and the bank-account aggregate wired the way an application wires it.
 * <p>
 * Thread-safety: open and close from one thread; the store, snapshot store and repository are thread-safe.
 */
final class Fixture implements AutoCloseable {

    /** The store's events table with the default prefix, read directly by the ceilings. */
    static final String EVENTS_TABLE = "el_events";

    /** The snapshot interval of the benchmarks: the library's default. */
    static final int SNAPSHOT_EVERY = SnapshotStrategy.DEFAULT_EVERY_EVENTS;

    /** A command: deposit {@code count} movements at once (the hot-stream benchmark sends count 1). */
    record Deposit(int count) {
    }

    static final EventTypes TYPES = EventTypes.builder()
        .register(BankEvents.DEPOSITED, BankEvents.MoneyDeposited.class)
        .register(BankEvents.WITHDRAWN, BankEvents.MoneyWithdrawn.class)
        .build();

    static final Aggregate<Deposit, BankEvents.BankEvent, BankEvents.Account> ACCOUNT = Aggregate.of("account",
        BankEvents.Account.class, BankEvents.Account.EMPTY, Fixture::decide, BankEvents::evolve);

    final EventStore store;
    final SnapshotStore snapshots;
    final EventSerializer serializer = EventSerializer.of(TYPES);
    final Database database;

    private Fixture(EventStore store, SnapshotStore snapshots, Database database) {
        this.store = store;
        this.snapshots = snapshots;
        this.database = database;
    }

    /** Opens {@code memory}, {@code h2mem}, {@code h2file} or {@code postgres} with a fresh schema. */
    static Fixture open(String kind) {
        if ("memory".equals(kind)) {
            return new Fixture(EventStore.inMemory(), new InMemorySnapshotStore(), null);
        }
        Database database = Database.open(kind);
        try {
            return jdbc(database);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /** The JDBC event store and snapshot store over {@code database}, schema created by the library. */
    private static Fixture jdbc(Database database) {
        JdbcEventStore store = JdbcEventStore.builder(database.dataSource).build();
        store.createSchema();
        JdbcSnapshotStore snapshots = JdbcSnapshotStore.builder(database.dataSource).build();
        snapshots.createSchema();
        return new Fixture(store, snapshots, database);
    }

    private static List<BankEvents.BankEvent> decide(Deposit command, BankEvents.Account state) {
        List<BankEvents.BankEvent> events = new ArrayList<>(command.count());
        for (int i = 0; i < command.count(); i++) {
            events.add(BankEvents.event("acc-hot", state.movements() + i));
        }
        return events;
    }

    /** The repository over this store, with or without the snapshot store. */
    AggregateRepository<Deposit, BankEvents.BankEvent, BankEvents.Account> repository(boolean withSnapshots,
                                                                                        int maxRetries) {
        var builder = AggregateRepository.builder(store, ACCOUNT, serializer).maxRetries(maxRetries);
        if (withSnapshots) {
            builder.snapshots(snapshots, SnapshotStrategy.everyEvents(SNAPSHOT_EVERY));
        }
        return builder.build();
    }

    /**
     * Writes an account of {@code size} events in appends of 1,000 and, when asked, a snapshot every
     * {@value #SNAPSHOT_EVERY} events except in the last 50: a load then starts from a snapshot 50 events behind
     * the head, the average case for that interval (a snapshot exactly at the head would make the load free).
     */
    void writeAccount(String id, int size, boolean withSnapshots) {
        String streamId = ACCOUNT.streamId(id);
        BankEvents.Account state = BankEvents.Account.EMPTY;
        for (long written = 0; written < size; ) {
            int count = (int) Math.min(1_000, size - written);
            List<BankEvents.BankEvent> events = new ArrayList<>(count);
            List<dev.eventline.core.EventData> data = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                BankEvents.BankEvent event = BankEvents.event(id, written + i);
                events.add(event);
                data.add(serializer.serialize(event));
            }
            store.append(streamId, ExpectedVersion.exactly(written), data);
            for (BankEvents.BankEvent event : events) {
                state = BankEvents.evolve(state, event);
                long version = ++written;
                if (withSnapshots && version % SNAPSHOT_EVERY == 0 && version <= size - 50) {
                    snapshots.save(new Snapshot(streamId, version, ACCOUNT.stateRevision(),
                        serializer.toJson(state), Instant.now()));
                }
            }
        }
    }

    /** Writes a log of {@code size} events: appends of 1,000 spread round-robin over 100 streams. */
    void writeLog(int size) {
        long[] versions = new long[100];
        for (int written = 0, i = 0; written < size; written += 1_000, i++) {
            int stream = i % versions.length;
            int count = Math.min(1_000, size - written);
            store.append("log-" + stream, ExpectedVersion.exactly(versions[stream]), Payloads.batch(written, count));
            versions[stream] += count;
        }
        if (database != null) {
            database.analyze();
        }
    }

    @Override
    public void close() {
        if (store instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing the store failed", e);
            }
        }
        if (database != null) {
            database.close();
        }
    }
}
