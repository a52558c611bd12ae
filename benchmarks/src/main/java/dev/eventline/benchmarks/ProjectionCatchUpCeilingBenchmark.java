package dev.eventline.benchmarks;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ceiling of projection catch-up: plain JDBC paging through the store's events table in log order,
 * {@value #BATCH} rows a batch, decoding each payload and applying it with the same SQL as the Eventline
 * projection ({@link BalanceReadModel}), then writing a checkpoint row and committing, once per batch. One
 * operation is a full catch-up of the log into a new table; events per second is {@code logSize / score}.
 * <p>
 * {@code handler=row} applies each event with its own {@code UPDATE} (one round trip per event, which bounds both
 * this ceiling and the runner on PostgreSQL); {@code handler=bulk} sums a batch's movements per stream and writes
 * them with one JDBC batch of {@code UPDATE}s (plus one of {@code INSERT}s for new streams), as a projection's
 * {@code handleBatch} can.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class ProjectionCatchUpCeilingBenchmark {

    /** The projection runner's default batch size. */
    static final int BATCH = 500;

    /** h2mem or postgres (h2mem with {@code -p db=h2mem}: the catch-up target is on PostgreSQL). */
    @Param({"postgres"})
    public String db;

    /** Events in the log. */
    @Param({"20000"})
    public int logSize;

    /** row: one UPDATE per event; bulk: one JDBC batch per batch of events. */
    @Param({"row", "bulk"})
    public String handler;

    private Fixture fixture;
    private Connection connection;
    private String table;
    private int round;

    /** Writes the log through Eventline and creates the checkpoint table. */
    @Setup
    public void setUp() throws SQLException {
        fixture = Fixture.open(db);
        fixture.writeLog(logSize);
        fixture.database.execute("CREATE TABLE raw_checkpoints (name VARCHAR(200) PRIMARY KEY, "
            + "position BIGINT NOT NULL)");
        connection = fixture.database.dataSource.getConnection();
    }

    /** Closes the store and its database. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        fixture.close();
    }

    /** A new read-model table and checkpoint row for each catch-up. */
    @Setup(Level.Iteration)
    public void newReadModel() throws SQLException {
        table = "raw_balances_" + (++round);
        BalanceReadModel.createTable(connection, table);
        fixture.database.execute("INSERT INTO raw_checkpoints (name, position) VALUES ('" + table + "', 0)");
    }

    /** Checks the read model. */
    @TearDown(Level.Iteration)
    public void check() throws SQLException {
        BalanceReadModel.check(fixture.database.dataSource, table, logSize);
    }

    /** Catches the read model up to the head. */
    @Benchmark
    public long jdbcCatchUp() throws SQLException {
        long position = 0;
        long txId = 0;
        // the log's order: (tx_id, global_position) on PostgreSQL (its primary key), the position on H2
        boolean postgres = fixture.database.isPostgres();
        connection.setAutoCommit(false);
        try (PreparedStatement page = connection.prepareStatement("SELECT global_position, stream_id, event_type, "
                 + "payload, tx_id FROM " + Fixture.EVENTS_TABLE + (postgres
                     ? " WHERE (tx_id, global_position) > (?, ?) ORDER BY tx_id, global_position LIMIT ?"
                     : " WHERE global_position > ? ORDER BY global_position LIMIT ?"));
             PreparedStatement checkpoint = connection.prepareStatement(
                 "UPDATE raw_checkpoints SET position = ? WHERE name = ?")) {
            while (true) {
                int p = 1;
                if (postgres) {
                    page.setLong(p++, txId);
                }
                page.setLong(p++, position);
                page.setInt(p, BATCH);
                int rows = 0;
                Movements movements = "bulk".equals(handler) ? new Movements() : null;
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        position = rs.getLong(1);
                        txId = rs.getLong(5);
                        if (movements != null) {
                            movements.add(rs.getString(2), rs.getString(3), rs.getBytes(4));
                        } else {
                            BalanceReadModel.apply(connection, table, rs.getString(2), rs.getString(3),
                                rs.getBytes(4));
                        }
                        rows++;
                    }
                }
                if (movements != null) {
                    movements.flush(connection, table);
                }
                if (rows == 0) {
                    connection.commit();
                    return position;
                }
                checkpoint.setLong(1, position);
                checkpoint.setString(2, table);
                checkpoint.executeUpdate();
                connection.commit();
            }
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /**
     * A batch's movements summed per stream, written with one JDBC batch: the same end state as
     * {@link BalanceReadModel#apply} for each event. Not thread-safe; one per batch.
     */
    static final class Movements {
        private final Map<String, BigDecimal> amounts = new LinkedHashMap<>();
        private final Map<String, Long> counts = new LinkedHashMap<>();

        /** Decodes one event and adds it to its stream's sums. */
        void add(String streamId, String type, byte[] payload) {
            BankEvents.BankEvent event = BankEvents.decode(type, payload);
            BigDecimal amount = event instanceof BankEvents.MoneyDeposited d ? d.amount()
                : ((BankEvents.MoneyWithdrawn) event).amount().negate();
            amounts.merge(streamId, amount, BigDecimal::add);
            counts.merge(streamId, 1L, Long::sum);
        }

        /** Writes the sums: one batch of UPDATEs, then one batch of INSERTs for the streams without a row. */
        void flush(Connection c, String table) throws SQLException {
            if (amounts.isEmpty()) {
                return;
            }
            List<String> streams = new ArrayList<>(amounts.keySet());
            List<String> missing = new ArrayList<>();
            try (PreparedStatement update = c.prepareStatement("UPDATE " + table
                + " SET balance = balance + ?, movements = movements + ? WHERE stream_id = ?")) {
                for (String stream : streams) {
                    update.setBigDecimal(1, amounts.get(stream));
                    update.setLong(2, counts.get(stream));
                    update.setString(3, stream);
                    update.addBatch();
                }
                int[] updated = update.executeBatch();
                for (int i = 0; i < updated.length; i++) {
                    if (updated[i] == 0) {
                        missing.add(streams.get(i));
                    }
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (stream_id, balance, movements) VALUES (?, ?, ?)")) {
                for (String stream : missing) {
                    insert.setString(1, stream);
                    insert.setBigDecimal(2, amounts.get(stream));
                    insert.setLong(3, counts.get(stream));
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }
}
