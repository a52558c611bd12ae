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
 * Ceiling of readAll: plain JDBC paging through the store's own events table (written by Eventline exactly as in
 * {@link ReadAllBenchmark}) by position, {@value ReadAllBenchmark#PAGE} rows a page, every column read; on
 * PostgreSQL without the transaction-id horizon that makes Eventline's order exact. Score: events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReadAllCeilingBenchmark {

    /** h2mem or postgres. */
    @Param({"h2mem", "postgres"})
    public String db;

    /** Events in the log. */
    @Param({"100000"})
    public int logSize;

    private Fixture fixture;
    private Connection connection;
    private final RawEvents table = new RawEvents(Fixture.EVENTS_TABLE);
    private final long[] out = new long[2];
    private long cursor;

    /** Writes the log through Eventline. */
    @Setup
    public void setUp() throws SQLException {
        fixture = Fixture.open(db);
        fixture.writeLog(logSize);
        connection = fixture.database.dataSource.getConnection();
    }

    /** Closes the store and its database. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        fixture.close();
    }

    /** The next 10,000 rows by position. */
    @Benchmark
    @OperationsPerInvocation(ReadAllBenchmark.CHUNK)
    public long jdbcReadAll() throws SQLException {
        for (int read = 0; read < ReadAllBenchmark.CHUNK; ) {
            int rows = table.readPage(connection, cursor, ReadAllBenchmark.PAGE, out);
            if (rows == 0) {
                cursor = 0;
                continue;
            }
            read += rows;
            cursor = out[0];
        }
        return out[1];
    }
}
