package dev.eventline.benchmarks;

import dev.eventline.core.EventData;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
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
 * The reference ceiling for batched appends on PostgreSQL: plain JDBC batched inserts of the same events
 * (same stream ids, versions, type names and payloads as {@link AppendBatchBenchmark}) into a minimal table, one
 * transaction per batch, with {@code reWriteBatchedInserts=true}.
 * <p>
 * The minimal table: {@code global_position bigserial PRIMARY KEY, stream_id text, stream_version bigint,
 * event_type text, payload jsonb | bytea}; no other index, no event id, recording time, metadata or checksum.
 * It is what the "plain JDBC batched inserts into a jsonb column / into bytea" measured, so it shows
 * what a bare event table costs; {@link AppendBatchBenchmark}'s {@code jdbcBatch*} is the ceiling for the
 * store's own table (its columns and its indexes: log order, stream versions, unique event ids, time). The
 * difference between the two ceilings is what those guarantees cost in the database. Score: events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MinimalTableCeilingBenchmark {

    /** The payload column's type: jsonb (parsed and re-encoded by the server) or bytea (kept as bytes). */
    @Param({"jsonb", "bytea"})
    public String payload;

    private Database database;
    private Connection connection;
    private String insert;
    private boolean jsonb;
    private long stream;

    /** Starts PostgreSQL and creates the minimal table. */
    @Setup
    public void setUp() throws SQLException {
        jsonb = switch (payload) {
            case "jsonb" -> true;
            case "bytea" -> false;
            default -> throw new IllegalArgumentException("unknown payload type (" + payload + "); use jsonb or bytea");
        };
        database = Database.open("postgres");
        database.execute("CREATE TABLE minimal_events (global_position bigserial PRIMARY KEY, "
            + "stream_id text NOT NULL, stream_version bigint NOT NULL, event_type text NOT NULL, payload "
            + payload + " NOT NULL)");
        insert = "INSERT INTO minimal_events (stream_id, stream_version, event_type, payload) VALUES (?, ?, ?, "
            + (jsonb ? "?::jsonb" : "?") + ")";
        connection = database.dataSource.getConnection();
    }

    /** Releases the connection and stops PostgreSQL. */
    @TearDown
    public void tearDown() throws SQLException {
        connection.close();
        database.close();
    }

    private void insertBatch(int size) throws SQLException {
        long n = stream++;
        List<EventData> events = Payloads.batch((int) n, size);
        String streamId = "acc-min-" + n;
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(insert)) {
            long version = 1;
            for (EventData event : events) {
                ps.setString(1, streamId);
                ps.setLong(2, version++);
                ps.setString(3, event.type());
                if (jsonb) {
                    ps.setString(4, new String(event.payload(), StandardCharsets.UTF_8));
                } else {
                    ps.setBytes(4, event.payload());
                }
                ps.addBatch();
            }
            ps.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** 10 rows in one JDBC batch and transaction. */
    @Benchmark
    @OperationsPerInvocation(10)
    public void minimalBatch10() throws SQLException {
        insertBatch(10);
    }

    /** 1,000 rows in one JDBC batch and transaction. */
    @Benchmark
    @OperationsPerInvocation(1_000)
    public void minimalBatch1000() throws SQLException {
        insertBatch(1_000);
    }
}
