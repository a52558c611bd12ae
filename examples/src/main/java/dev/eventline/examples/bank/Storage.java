package dev.eventline.examples.bank;

import dev.eventline.core.EventStore;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.JdbcSnapshotStore;
import dev.eventline.jdbc.command.JdbcIdempotencyStore;
import java.util.List;
import javax.sql.DataSource;

/** Opens the event store and the snapshot store on the application's database. */
final class Storage {

    private Storage() {
    }

    /**
     * @param config the settings
     * @param dataSource the database
     * @param resources where to register anything that must be closed
     * @param idempotency the command dedup table, whose claims each append completes in its own transaction
     * @return the event store
     */
    static EventStore openEventStore(BankConfig config, DataSource dataSource, List<AutoCloseable> resources,
                                     JdbcIdempotencyStore idempotency) {
        // The application owns the pool (short connection timeout, see BankApp); the store only borrows it.
        // The dedup hook marks a command done with its events, so a crash before the bus records the result
        // cannot make a client's retry run the command twice.
        JdbcEventStore store = JdbcEventStore.builder(dataSource).appendHook(idempotency.appendHook()).build();
        store.createSchema();
        resources.add(store);
        return store;
    }

    /**
     * @param config the settings
     * @param dataSource the database
     * @return where aggregate snapshots are kept
     */
    static SnapshotStore openSnapshotStore(BankConfig config, DataSource dataSource) {
        // Snapshots live beside the events, so a restart keeps them (they are only an optimisation: losing
        // them would make the first loads replay whole streams, never change a result).
        JdbcSnapshotStore snapshots = JdbcSnapshotStore.builder(dataSource).build();
        snapshots.createSchema();
        return snapshots;
    }
}
