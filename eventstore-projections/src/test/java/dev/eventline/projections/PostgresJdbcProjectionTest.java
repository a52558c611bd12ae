package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The JDBC projection contract on a real PostgreSQL (the shared embedded server, or {@code EVENTLINE_TEST_PG_URL}):
 * a fresh schema per test holding the events (a {@link JdbcEventStore}), the read model and the checkpoints.
 */
class PostgresJdbcProjectionTest extends JdbcProjectionContract {

    private final HikariDataSource first = PostgresTestServer.shared().newSchema();
    private final String schema = first.getDataSourceProperties().getProperty("currentSchema");
    private boolean firstHandedOut;
    private JdbcEventStore store;

    @Override
    protected DataSource newPool() {
        if (!firstHandedOut) {
            firstHandedOut = true;
            return first;
        }
        return PostgresTestServer.shared().dataSource(schema, 4);
    }

    @Test
    void a_shadow_rebuild_switches_tables_atomically_while_queries_run() throws Exception {
        // given
        var filled = TestEvents.fill(store(), 20, 2_000);
        DataSource pool = newPool();
        JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(pool);
        checkpoints.createSchema();
        try (var runner = ProjectionRunner.builder(store()).checkpoints(checkpoints).pollInterval(FAST_POLL)
            .batchSize(200).register(JdbcBalances.projection()).build()) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            DataSource readers = newPool();
            AtomicBoolean querying = new AtomicBoolean(true);
            AtomicLong queries = new AtomicLong();
            List<String> wrongAnswers = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                while (querying.get()) {
                    try {
                        long total = JdbcBalances.total(readers);
                        if (total != filled.sum()) {
                            wrongAnswers.add("total " + total);
                        }
                        queries.incrementAndGet();
                        Thread.sleep(1);
                    } catch (SQLException e) {
                        wrongAnswers.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            reader.start();
            // when
            ProjectionStatus status = runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(60, TimeUnit.SECONDS);
            Thread.sleep(50);
            querying.set(false);
            reader.join();
            // then: every query during the rebuild and across the switch saw the complete read model
            assertThat(status.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(queries.get()).isPositive();
            assertThat(wrongAnswers).isEmpty();
            assertThat(checkpoints.generation(JdbcBalances.NAME)).isEqualTo(1);
        }
    }

    @Override
    protected EventStore store() {
        if (store == null) {
            store = JdbcEventStore.builder(PostgresTestServer.shared().dataSource(schema, 4)).build();
            store.createSchema();
        }
        return store;
    }
}
