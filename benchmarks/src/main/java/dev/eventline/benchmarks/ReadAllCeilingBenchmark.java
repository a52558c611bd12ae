package dev.eventline.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;
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
 * <p>
 * Each page is one auto-committed select, as the store runs it: no transaction around it (that would add a
 * {@code BEGIN}/{@code COMMIT} round trip per page to the ceiling only and flatter the store).
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
    private static final String COLUMNS = "SELECT global_position, tx_id, stream_id, stream_version, event_id, "
        + "event_type, schema_version, recorded_at, payload, metadata, checksum FROM " + Fixture.EVENTS_TABLE;
    /** H2: the log's order is the position's. */
    private static final String SELECT_PAGE = COLUMNS + " WHERE global_position > ? ORDER BY global_position LIMIT ?";
    /**
     * PostgreSQL: keyset paging on the primary key {@code (tx_id, global_position)}, the order and index the store
     * reads by (schema V2 has no B-tree on the position alone), without the store's transaction-id horizon.
     */
    private static final String SELECT_PAGE_PG = COLUMNS
        + " WHERE (tx_id, global_position) > (?, ?) ORDER BY tx_id, global_position LIMIT ?";

    private final long[] out = new long[2];
    private long lastTxId;
    private long cursor;
    private long txCursor;

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
            int rows = readPage(cursor, ReadAllBenchmark.PAGE);
            if (rows == 0) {
                cursor = 0;
                txCursor = 0;
                continue;
            }
            read += rows;
            cursor = out[0];
            txCursor = lastTxId;
        }
        return out[1];
    }

    /**
     * Reads up to {@code limit} rows after {@code position} in log order, every column as the store maps it; puts
     * the last position in {@code out[0]}, adds a value of every row to {@code out[1]}, returns the row count.
     */
    private int readPage(long position, int limit) throws SQLException {
        boolean postgres = "postgres".equals(db);
        try (PreparedStatement statement = connection.prepareStatement(postgres ? SELECT_PAGE_PG : SELECT_PAGE)) {
            statement.setFetchSize(ReadAllBenchmark.PAGE);
            int p = 1;
            if (postgres) {
                statement.setLong(p++, txCursor);
            }
            statement.setLong(p++, position);
            statement.setInt(p, limit);
            int rows = 0;
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    out[0] = row.getLong(1);
                    long txId = row.getLong(2);
                    lastTxId = txId;
                    String stream = row.getString(3);
                    long version = row.getLong(4);
                    UUID id = row.getObject(5, UUID.class);
                    String type = row.getString(6);
                    int schemaVersion = row.getInt(7);
                    OffsetDateTime at = row.getObject(8, OffsetDateTime.class);
                    byte[] payload = row.getBytes(9);
                    String metadata = row.getString(10);
                    String checksum = row.getString(11);
                    out[1] += txId + id.getLeastSignificantBits() + stream.length() + version + type.length()
                        + schemaVersion + payload.length + (metadata == null ? 0 : metadata.length()) + at.getNano()
                        + checksum.length();
                    rows++;
                }
            }
            return rows;
        }
    }
}
