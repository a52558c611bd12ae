package dev.eventline.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** h2mem or postgres. */
    @Param({"h2mem", "postgres"})
    public String db;

    /** Events in the log. */
    @Param({"20000"})
    public int logSize;

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
                try (ResultSet rs = page.executeQuery()) {
                    while (rs.next()) {
                        position = rs.getLong(1);
                        txId = rs.getLong(5);
                        BalanceReadModel.apply(connection, table, rs.getString(2), rs.getString(3), rs.getBytes(4));
                        rows++;
                    }
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
}
