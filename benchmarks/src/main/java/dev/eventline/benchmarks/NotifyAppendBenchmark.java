package dev.eventline.benchmarks;

import dev.eventline.core.ExpectedVersion;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.PostgresNotifications;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of LISTEN/NOTIFY wake-ups on appends: PostgreSQL serializes the commits of transactions that NOTIFY (a
 * database-wide lock at commit), so 8 concurrent writers are measured with and without
 * {@link PostgresNotifications#appendHook}. Single-event appends (each thread on its own stream, exact version) and
 * appends of 100 events to a new stream. A listener is running in both cases, so only the sending side differs.
 * Score: events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class NotifyAppendBenchmark {

    /** postgres only (NOTIFY is PostgreSQL's). */
    @Param({"postgres"})
    public String db;

    /** on: every append sends a NOTIFY from its transaction; off: polling only. */
    @Param({"off", "on"})
    public String notify;

    private Database database;
    private JdbcEventStore store;
    private PostgresNotifications listener;
    private final AtomicLong streams = new AtomicLong();

    /** Starts the database, the store (with or without the hook) and a listener. */
    @Setup
    public void setUp() {
        database = Database.open(db);
        JdbcEventStore.Builder builder = JdbcEventStore.builder(database.dataSource);
        if ("on".equals(notify)) {
            builder.appendHook(PostgresNotifications.appendHook(PostgresNotifications.DEFAULT_CHANNEL));
        }
        store = builder.build();
        store.createSchema();
        listener = PostgresNotifications.builder(database.dataSource).build();
        listener.start();
    }

    /** Stops the listener and the database. */
    @TearDown
    public void tearDown() {
        listener.close();
        database.close();
    }

    /** One writer thread's stream. */
    @State(Scope.Thread)
    public static class Writer {
        final String stream = "acc-" + UUID.randomUUID();
        long version;
    }

    /** One event per append, 8 threads each on its own stream. */
    @Benchmark
    @Threads(8)
    public Object singleAppend8Threads(Writer writer) {
        long version = writer.version++;
        return store.append(writer.stream, ExpectedVersion.exactly(version), List.of(Payloads.one((int) version)));
    }

    /** 100 events per append to a new stream, 8 threads. */
    @Benchmark
    @Threads(8)
    @OperationsPerInvocation(100)
    public Object appendBatch100x8Threads() {
        long n = streams.incrementAndGet();
        return store.append("batch-" + n, ExpectedVersion.noStream(), Payloads.batch((int) n, 100));
    }
}
