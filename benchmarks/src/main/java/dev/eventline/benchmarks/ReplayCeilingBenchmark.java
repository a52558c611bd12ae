package dev.eventline.benchmarks;

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
 * Ceiling of replay from a database: plain JDBC selecting one 10,000-event stream (all columns, fetch size
 * {@value RawEvents#FETCH_SIZE}), decoding every payload with Jackson and folding it into the account state.
 * The stream sits among other streams' events, as in a real log. Score: events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReplayCeilingBenchmark {

    private static final int EVENTS = 10_000;

    /** h2mem, h2file or postgres. */
    @Param({"h2mem", "h2file", "postgres"})
    public String db;

    private Database database;
    private Connection connection;
    private final RawEvents raw = new RawEvents("raw_events");

    /** Starts the database and writes the stream, plus 10,000 events of other streams around it. */
    @Setup
    public void setUp() throws SQLException {
        database = Database.open(db);
        raw.create(database);
        connection = database.dataSource.getConnection();
        for (int i = 0; i < EVENTS / 1_000; i++) {
            raw.insertBatch(connection, "other-" + i, 1, Payloads.batch(i, 500));
            raw.insertBatch(connection, "acc-replay", 1 + i * 1_000L, Payloads.batch(i * 1_000, 1_000));
            raw.insertBatch(connection, "other-" + i, 501, Payloads.batch(i, 500));
        }
        database.analyze();
    }

    /** Releases the connection and stops the database. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        database.close();
    }

    /** Selects, decodes and folds the 10,000 events of one stream. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public Object jdbcSelectDecodeEvolve() throws SQLException {
        return raw.replay(connection, "acc-replay");
    }
}
