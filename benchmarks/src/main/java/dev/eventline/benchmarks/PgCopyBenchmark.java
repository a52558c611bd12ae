package dev.eventline.benchmarks;

import java.io.IOException;
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
 * Ceiling of batched appends on PostgreSQL: {@code COPY} of 1,000 rows (same columns and payloads as the store
 * writes) into a fresh stream, one transaction each. Event ids as in {@link AppendBatchBenchmark}
 * ({@code -p ids=v7,random}). Score: events per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PgCopyBenchmark {

    /** Event ids: {@code v7} (time-ordered, from {@code EventIds.next()}) or {@code random} (version 4). */
    @Param({"v7"})
    public String ids;

    private Database database;
    private Connection connection;
    private final RawEvents raw = new RawEvents("raw_events");
    private Payloads.Ids idKind;
    private long stream;

    /** Starts PostgreSQL and creates the ceiling table. */
    @Setup
    public void setUp() throws SQLException {
        idKind = Payloads.Ids.of(ids);
        database = Database.open("postgres");
        raw.create(database);
        connection = database.dataSource.getConnection();
    }

    /** Releases the connection and stops PostgreSQL. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        database.close();
    }

    /** Copies 1,000 events of a new stream in one transaction. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public void jdbcCopyBatch1000() throws SQLException, IOException {
        long n = stream++;
        raw.copy(connection, "acc-copy-" + n, 1, Payloads.batch((int) n, 1_000, idKind));
    }
}
