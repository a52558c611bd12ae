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
 * Ceiling of replay from a database: plain JDBC selecting one 10,000-event stream (every column), decoding every
 * payload with Jackson ({@link DecodeCeilingBenchmark#decode}: a plain mapper plus the same instant parsing
 * Eventline's default mapper uses) and folding it into the account state. The stream sits among other streams'
 * events, as in a real log. Score: events per second. Two ways, the better one is the ceiling:
 * <ul>
 *   <li>{@link #jdbcSelectDecodeEvolve}: one select of the whole stream, fetched {@value RawEvents#FETCH_SIZE}
 *       rows per round trip (a cursor, so inside a transaction), holding the connection throughout;</li>
 *   <li>{@link #jdbcPagedSelectDecodeEvolve}: keyset pages of {@value RawEvents#FETCH_SIZE} rows
 *       ({@code stream_version >= ? ... LIMIT ?}), the access path the store uses, on one connection.</li>
 * </ul>
 * Both order by {@code (stream_id, stream_version)}, the unique index's columns, so that H2 reads the index in
 * order instead of sorting. H2 keeps the result of a query and hands it out again when the same statement runs
 * with the same parameters and nothing changed (its result cache): a repeated whole-stream select would then
 * never touch the table, which no real load enjoys. The whole-stream select therefore binds its lower bound
 * alternately to 0 and 1 (both select the whole stream).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReplayCeilingBenchmark {

    private static final int EVENTS = 10_000;
    private static final String STREAM = "acc-replay";
    private static final String COLUMNS = "global_position, tx_id, stream_id, stream_version, event_id, event_type, "
        + "schema_version, recorded_at, payload, metadata, checksum";
    private static final String SELECT_STREAM = "SELECT " + COLUMNS + " FROM raw_events WHERE stream_id = ? "
        + "AND stream_version >= ? ORDER BY stream_id, stream_version";
    private static final String SELECT_PAGE = SELECT_STREAM + " LIMIT ?";

    /** h2mem, h2file or postgres (h2file with {@code -p db=h2file}). */
    @Param({"h2mem", "postgres"})
    public String db;

    private Database database;
    private Connection connection;
    private final RawEvents raw = new RawEvents("raw_events");
    private long loads;

    /** Starts the database and writes the stream, plus 10,000 events of other streams around it. */
    @Setup
    public void setUp() throws SQLException {
        database = Database.open(db);
        raw.create(database);
        connection = database.dataSource.getConnection();
        for (int i = 0; i < EVENTS / 1_000; i++) {
            raw.insertBatch(connection, "other-" + i, 1, Payloads.batch(i, 500));
            raw.insertBatch(connection, STREAM, 1 + i * 1_000L, Payloads.batch(i * 1_000, 1_000));
            raw.insertBatch(connection, "other-" + i, 501, Payloads.batch(i, 500));
        }
        database.analyze();
        BankEvents.Account whole = jdbcSelectDecodeEvolve();
        BankEvents.Account paged = jdbcPagedSelectDecodeEvolve();
        if (whole.movements() != EVENTS || !whole.equals(paged)) {
            throw new IllegalStateException("ceiling replay is wrong (" + whole + ", " + paged + ")");
        }
    }

    /** Releases the connection and stops the database. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        database.close();
    }

    /** Selects, decodes and folds the 10,000 events of one stream with one query. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public BankEvents.Account jdbcSelectDecodeEvolve() throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(SELECT_STREAM)) {
            statement.setFetchSize(RawEvents.FETCH_SIZE);
            statement.setString(1, STREAM);
            statement.setLong(2, loads++ & 1);
            BankEvents.Account state = BankEvents.Account.EMPTY;
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    state = BankEvents.evolve(state, readRow(rows));
                }
            }
            connection.commit();
            return state;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Selects, decodes and folds the 10,000 events of one stream in keyset pages, as the store reads. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public BankEvents.Account jdbcPagedSelectDecodeEvolve() throws SQLException {
        BankEvents.Account state = BankEvents.Account.EMPTY;
        long from = 1;
        while (true) {
            int rowsRead = 0;
            try (PreparedStatement statement = connection.prepareStatement(SELECT_PAGE)) {
                statement.setString(1, STREAM);
                statement.setLong(2, from);
                statement.setInt(3, RawEvents.FETCH_SIZE);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        state = BankEvents.evolve(state, readRow(rows));
                        rowsRead++;
                    }
                }
            }
            from += rowsRead;
            if (rowsRead < RawEvents.FETCH_SIZE) {
                return state;
            }
        }
    }

    /** Reads every column, as a store builds its recorded event, and decodes the payload. */
    private static BankEvents.BankEvent readRow(ResultSet row) throws SQLException {
        row.getLong(1);
        row.getLong(2);
        row.getString(3);
        row.getLong(4);
        row.getObject(5, UUID.class);
        String type = row.getString(6);
        row.getInt(7);
        row.getObject(8, OffsetDateTime.class);
        byte[] payload = row.getBytes(9);
        row.getString(10);
        row.getString(11);
        return DecodeCeilingBenchmark.decode(type, payload);
    }
}
