package dev.eventline.benchmarks;

import dev.eventline.core.ExpectedVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batched appends of 10, 100 and 1,000 events to a new stream per append, one transaction each, by Eventline's
 * JDBC store and, beside it, by plain JDBC batch inserts of the same rows into a table of the same shape (the
 * ceiling). Score: events per second.
 * <p>
 * Both get event ids of the same kind in the same run ({@code -p ids=v7,random}): time-ordered ids as the library
 * makes them (the default), or random version-4 ids as an application making its own may hand over. Random ids
 * land all over the unique index on event ids, which costs the database more write-ahead log per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AppendBatchBenchmark {

    /** h2mem, h2file or postgres. */
    @Param({"h2mem", "h2file", "postgres"})
    public String db;

    /** Event ids: {@code v7} (time-ordered, from {@code EventIds.next()}) or {@code random} (version 4). */
    @Param({"v7"})
    public String ids;

    private Fixture fixture;
    private Database database;
    private Connection connection;
    private final RawEvents raw = new RawEvents("raw_events");
    private Payloads.Ids idKind;
    private long stream;

    /** Starts the database and creates the store's schema and the ceiling table. */
    @Setup
    public void setUp() throws SQLException {
        idKind = Payloads.Ids.of(ids);
        fixture = Fixture.open(db);
        database = fixture.database;
        raw.create(database);
        connection = database.dataSource.getConnection();
    }

    /** Releases the connection and stops the database. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        fixture.close();
    }

    private void eventline(int size) {
        long n = stream++;
        fixture.store.append("acc-el-" + n, ExpectedVersion.noStream(), Payloads.batch((int) n, size, idKind));
    }

    /** Eventline: 10 events in one append. */
    @Benchmark
    @OperationsPerInvocation(10)
    public void eventlineBatch10() {
        eventline(10);
    }

    /** Eventline: 100 events in one append. */
    @Benchmark
    @OperationsPerInvocation(100)
    public void eventlineBatch100() {
        eventline(100);
    }

    /** Eventline: 1,000 events in one append. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public void eventlineBatch1000() {
        eventline(1_000);
    }

    private void jdbc(int size) throws SQLException {
        long n = stream++;
        raw.insertBatch(connection, "acc-jdbc-" + n, 1, Payloads.batch((int) n, size, idKind));
    }

    /** Ceiling: 10 rows in one JDBC batch and transaction. */
    @Benchmark
    @OperationsPerInvocation(10)
    public void jdbcBatch10() throws SQLException {
        jdbc(10);
    }

    /** Ceiling: 100 rows in one JDBC batch and transaction. */
    @Benchmark
    @OperationsPerInvocation(100)
    public void jdbcBatch100() throws SQLException {
        jdbc(100);
    }

    /** Ceiling: 1,000 rows in one JDBC batch and transaction. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public void jdbcBatch1000() throws SQLException {
        jdbc(1_000);
    }
}
