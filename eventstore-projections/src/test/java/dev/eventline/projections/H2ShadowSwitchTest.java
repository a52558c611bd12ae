package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow rebuilds on H2, where every DDL statement commits by itself: readers querying across the switch always see
 * one complete read model, never a missing table or a half-switched one.
 */
class H2ShadowSwitchTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HikariDataSource pool = H2TestDatabases.inMemory();
    private final JdbcEventStore store = JdbcEventStore.builder(pool).build();
    private final JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(pool);

    @AfterEach
    void dropDatabase() throws SQLException {
        try (var connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP ALL OBJECTS");
        }
        pool.close();
    }

    private ProjectionRunner runner(Projection projection) {
        store.createSchema();
        checkpoints.createSchema();
        return ProjectionRunner.builder(store).checkpoints(checkpoints).pollInterval(Duration.ofMillis(10))
            .batchSize(200).register(projection).build();
    }

    @Test
    void queries_running_across_two_shadow_switches_always_see_the_complete_read_model() throws Exception {
        // given: a live read model over two tables, and a reader querying both in a loop
        var filled = TestEvents.fill(store(), 20, 1_000);
        try (var runner = runner(JdbcBalances.projection())) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            AtomicBoolean querying = new AtomicBoolean(true);
            AtomicLong queries = new AtomicLong();
            List<String> wrongAnswers = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                // no pause between queries: the window between two autocommitted renames is sub-millisecond,
                // and a reader that sleeps 1 ms between queries misses it (the old rename switch then passed)
                while (querying.get()) {
                    try {
                        long total = JdbcBalances.total(pool);
                        long applied = JdbcBalances.appliedEvents(pool);
                        if (total != filled.sum() || applied != 1_000) {
                            wrongAnswers.add("total " + total + ", applied " + applied);
                        }
                        queries.incrementAndGet();
                    } catch (SQLException e) {
                        wrongAnswers.add(e.toString());
                    }
                }
            });
            reader.start();
            // when
            ProjectionStatus first = runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(60, TimeUnit.SECONDS);
            ProjectionStatus second = runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(60, TimeUnit.SECONDS);
            querying.set(false);
            reader.join();
            // then
            assertThat(first.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(second.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(queries.get()).isPositive();
            assertThat(wrongAnswers).isEmpty();
            assertThat(checkpoints.generation(JdbcBalances.NAME)).isEqualTo(2);
            assertThat(shadowTables()).as("shadow tables left behind").isZero();
            // and the live projection keeps following the log into the switched tables
            var more = store.append("account-0", ExpectedVersion.any(), List.of(TestEvents.deposited(5)));
            assertThat(runner.awaitPosition(JdbcBalances.NAME, more.lastPosition(), WAIT)).isTrue();
            assertThat(JdbcBalances.total(pool)).isEqualTo(filled.sum() + 5);
        }
    }

    @Test
    void a_rebuild_that_drops_a_column_or_tightens_a_null_constraint_switches_atomically_while_queries_run()
        throws Exception {
        // given: the live table has a NOT NULL column the rebuilt projection no longer creates, and a nullable
        // column the rebuilt one makes NOT NULL
        var filled = TestEvents.fill(store(), 20, 1_000);
        try (var runner = runner(JdbcBalances.projection())) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            JdbcBalances.execute(pool, "ALTER TABLE balance ADD COLUMN note VARCHAR(20) DEFAULT 'old' NOT NULL");
            JdbcBalances.execute(pool, "ALTER TABLE balance ALTER COLUMN cents SET NULL");
            Reader reader = Reader.start(pool, filled.sum(), 1_000);
            // when
            ProjectionStatus status = runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(60, TimeUnit.SECONDS);
            List<String> wrongAnswers = reader.stop();
            // then: no query failed or saw a partial read model; the rebuilt rows are in, the dropped column stays
            // (on H2 dropping it would not be atomic), nullable, with its default in every row; cents is NOT NULL
            // again
            assertThat(status.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(reader.queries.get()).isPositive();
            assertThat(wrongAnswers).isEmpty();
            assertThat(JdbcBalances.total(pool)).isEqualTo(filled.sum());
            assertThat(JdbcBalances.single(pool, "SELECT COUNT(*) FROM balance WHERE note <> 'old'")).isZero();
            assertThat(JdbcBalances.single(pool, "SELECT COUNT(*) FROM balance WHERE note = 'old'"))
                .isEqualTo(JdbcBalances.single(pool, "SELECT COUNT(*) FROM balance")).isPositive();
            assertThat(nullable("NOTE")).isEqualTo("YES");
            assertThat(nullable("CENTS")).isEqualTo("NO");
            assertThat(shadowTables()).as("shadow tables left behind").isZero();
            // and the live projection keeps following the log
            var more = store.append("account-0", ExpectedVersion.any(), List.of(TestEvents.deposited(5)));
            assertThat(runner.awaitPosition(JdbcBalances.NAME, more.lastPosition(), WAIT)).isTrue();
            assertThat(JdbcBalances.total(pool)).isEqualTo(filled.sum() + 5);
        }
    }

    @Test
    void a_rebuild_that_changes_a_column_type_still_switches_on_h2_by_renaming() throws Exception {
        // given: the live column's type differs from the rebuilt one (H2 cannot retype a column atomically)
        var filled = TestEvents.fill(store(), 5, 200);
        try (var runner = runner(JdbcBalances.projection())) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            JdbcBalances.execute(pool, "ALTER TABLE balance ALTER COLUMN account SET DATA TYPE VARCHAR(100)");
            // when
            ProjectionStatus status = runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(60, TimeUnit.SECONDS);
            // then: renamed in, with the rebuilt column type
            assertThat(status.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(JdbcBalances.total(pool)).isEqualTo(filled.sum());
            assertThat(JdbcBalances.single(pool, "SELECT CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS "
                + "WHERE TABLE_NAME = 'BALANCE' AND COLUMN_NAME = 'ACCOUNT'")).isEqualTo(200);
            assertThat(shadowTables()).as("shadow tables left behind").isZero();
        }
    }

    private String nullable(String column) throws SQLException {
        try (var connection = pool.getConnection(); var select = connection.prepareStatement(
            "SELECT IS_NULLABLE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'BALANCE' AND COLUMN_NAME = ?")) {
            select.setString(1, column);
            try (var rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** Queries the read model in a loop, without pauses, recording every failure and every wrong answer. */
    private static final class Reader {
        final AtomicBoolean querying = new AtomicBoolean(true);
        final AtomicLong queries = new AtomicLong();
        final List<String> wrongAnswers = new CopyOnWriteArrayList<>();
        Thread thread;

        static Reader start(HikariDataSource pool, long total, long applied) {
            Reader reader = new Reader();
            reader.thread = new Thread(() -> {
                while (reader.querying.get()) {
                    try {
                        long seenTotal = JdbcBalances.total(pool);
                        long seenApplied = JdbcBalances.appliedEvents(pool);
                        if (seenTotal != total || seenApplied != applied) {
                            reader.wrongAnswers.add("total " + seenTotal + ", applied " + seenApplied);
                        }
                        reader.queries.incrementAndGet();
                    } catch (SQLException e) {
                        reader.wrongAnswers.add(e.toString());
                    }
                }
            });
            reader.thread.start();
            return reader;
        }

        List<String> stop() throws InterruptedException {
            querying.set(false);
            thread.join();
            return wrongAnswers;
        }
    }

    private JdbcEventStore store() {
        store.createSchema();
        return store;
    }

    private long shadowTables() throws SQLException {
        return JdbcBalances.single(pool, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.TABLES "
            + "WHERE TABLE_NAME LIKE 'BALANCE\\_\\_G%' ESCAPE '\\' OR TABLE_NAME LIKE 'APPLIED\\_EVENT\\_\\_G%' ESCAPE '\\'");
    }
}
