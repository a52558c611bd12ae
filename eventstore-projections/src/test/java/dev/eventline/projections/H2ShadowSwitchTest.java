package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Shadow rebuilds on H2, where every DDL statement commits by itself: readers querying across the switch always see
 * one complete read model, never a missing table or a half-switched one. By default the switch copies rows; with
 * {@link JdbcCheckpointStore.Builder#generationTables} it moves the projection to its rebuilt generation of tables,
 * which also covers added and retyped columns.
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

    private ProjectionRunner runner(JdbcCheckpointStore checkpoints, Projection projection) {
        store.createSchema();
        checkpoints.createSchema();
        return ProjectionRunner.builder(store).checkpoints(checkpoints).pollInterval(Duration.ofMillis(10))
            .batchSize(200).register(projection).build();
    }

    @Test
    void with_generation_tables_queries_across_switches_that_add_and_retype_columns_always_see_one_complete_version()
        throws Exception {
        // given: version 1 of a read model over two tables, live, and generation tables opted in
        JdbcCheckpointStore generations = JdbcCheckpointStore.builder(pool).generationTables(true).build();
        VersionedBalances balances = new VersionedBalances();
        var filled = TestEvents.fill(store(), 20, 1_000);
        try (var runner = runner(generations, balances.projection())) {
            runner.start();
            assertThat(runner.awaitPosition(VersionedBalances.NAME, filled.last(), WAIT)).isTrue();
            GenerationReader reader = GenerationReader.start(pool, generations, filled.sum(), 1_000);
            // when: version 2 (two added columns) is rebuilt and switched in, then version 3 (two retyped columns),
            // while the reader queries without pause
            reader.awaitMoreQueries();
            balances.version.set(2);
            ProjectionStatus second = runner.rebuild(VersionedBalances.NAME, RebuildMode.SHADOW)
                .get(60, TimeUnit.SECONDS);
            balances.version.set(3);
            ProjectionStatus third = runner.rebuild(VersionedBalances.NAME, RebuildMode.SHADOW)
                .get(60, TimeUnit.SECONDS);
            reader.awaitMoreQueries();
            List<String> wrongAnswers = reader.stop();
            // then: no query failed, and every one saw one complete version, never going back
            assertThat(second.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(third.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(wrongAnswers).isEmpty();
            assertThat(reader.versions).contains(1, 3);
            // the live tables are the second generation of rebuilt tables, with version 3's columns; the base
            // tables went with the second switch, the first generation stays until the next switch
            LiveTables live = generations.liveTables(VersionedBalances.NAME);
            assertThat(live.generation()).isEqualTo(2);
            assertThat(live.table("balance")).isEqualTo("balance__g2");
            try (var connection = pool.getConnection()) {
                assertThat(VersionedBalances.read(connection, live).wrong(filled.sum(), 1_000)).isNull();
                assertThat(VersionedBalances.read(connection, live).balanceVersion()).isEqualTo(3);
            }
            assertThat(tables()).containsExactlyInAnyOrder("BALANCE__G1", "APPLIED_EVENT__G1", "BALANCE__G2",
                "APPLIED_EVENT__G2");
            // and the live projection keeps following the log, into the live generation
            var more = store.append("account-0", ExpectedVersion.any(), List.of(TestEvents.deposited(5)));
            assertThat(runner.awaitPosition(VersionedBalances.NAME, more.lastPosition(), WAIT)).isTrue();
            try (var connection = pool.getConnection()) {
                assertThat(VersionedBalances.read(connection, generations.liveTables(connection,
                    VersionedBalances.NAME)).wrong(filled.sum() + 5, 1_001)).isNull();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = KillableDataSource.CommitFault.class, names = {"BEFORE_COMMIT", "AFTER_COMMIT"})
    void a_generation_switch_whose_commit_fails_leaves_the_old_or_the_new_read_model_with_its_checkpoint(
        KillableDataSource.CommitFault fault) throws Exception {
        // given: version 1 live; the runner's bookkeeping on a data source whose commit fails once the shadow copy
        // has caught up, i.e. the switch's commit (lost before it reached the database, or applied with the reply
        // lost)
        KillableDataSource killable = new KillableDataSource(pool);
        JdbcCheckpointStore generations = JdbcCheckpointStore.builder(killable).generationTables(true).build();
        VersionedBalances balances = new VersionedBalances();
        var filled = TestEvents.fill(store(), 20, 1_000);
        try (var runner = runner(generations, balances.projection())) {
            runner.start();
            assertThat(runner.awaitPosition(VersionedBalances.NAME, filled.last(), WAIT)).isTrue();
            GenerationReader reader = GenerationReader.start(pool, generations, filled.sum(), 1_000);
            reader.awaitMoreQueries();
            AtomicBoolean failed = new AtomicBoolean();
            killable.failCommits(fault, commit -> !failed.get() && shadowCaughtUp(filled.last())
                && failed.compareAndSet(false, true));
            // when
            balances.version.set(2);
            var rebuild = runner.rebuild(VersionedBalances.NAME, RebuildMode.SHADOW);
            // then: the rebuild reports the failure; readers never failed nor saw a partial or mixed read model
            assertThatThrownBy(() -> rebuild.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("injected");
            assertThat(killable.faultsInjected()).isEqualTo(1);
            reader.awaitMoreQueries();
            assertThat(reader.stop()).isEmpty();
            // and the database holds one read model with its checkpoint: the old one when the commit was lost, the
            // rebuilt one when it happened
            int expectedVersion = fault == KillableDataSource.CommitFault.BEFORE_COMMIT ? 1 : 2;
            LiveTables live = generations.liveTables(VersionedBalances.NAME);
            assertThat(live.generation()).isEqualTo(expectedVersion == 1 ? 0 : 1);
            assertThat(generations.load(VersionedBalances.NAME)).isEqualTo(filled.last());
            try (var connection = pool.getConnection()) {
                VersionedBalances.Seen seen = VersionedBalances.read(connection, live);
                assertThat(seen.wrong(filled.sum(), 1_000)).isNull();
                assertThat(seen.balanceVersion()).isEqualTo(expectedVersion);
            }
            // and the live projection goes on from there: the old code on the old tables, or (the switch having
            // committed behind the runner's back) the new code on the new tables, never the tables it replaced
            balances.version.set(expectedVersion);
            var more = store.append("account-0", ExpectedVersion.any(), List.of(TestEvents.deposited(5)));
            assertThat(runner.awaitPosition(VersionedBalances.NAME, more.lastPosition(), WAIT)).isTrue();
            try (var connection = pool.getConnection()) {
                assertThat(VersionedBalances.read(connection, generations.liveTables(connection,
                    VersionedBalances.NAME)).wrong(filled.sum() + 5, 1_001)).isNull();
            }
            if (fault == KillableDataSource.CommitFault.AFTER_COMMIT) {
                assertThat(JdbcBalances.total(pool)).as("the replaced base table").isEqualTo(filled.sum());
            } else {
                // a later rebuild switches cleanly over the leftovers of the failed one
                balances.version.set(2);
                assertThat(runner.rebuild(VersionedBalances.NAME, RebuildMode.SHADOW).get(60, TimeUnit.SECONDS)
                    .state()).isEqualTo(ProjectionState.LIVE);
                try (var connection = pool.getConnection()) {
                    LiveTables rebuilt = generations.liveTables(connection, VersionedBalances.NAME);
                    assertThat(rebuilt.generation()).isEqualTo(1);
                    assertThat(VersionedBalances.read(connection, rebuilt).wrong(filled.sum() + 5, 1_001)).isNull();
                }
            }
        }
    }

    @Test
    void live_tables_have_their_base_names_until_a_generation_switch() {
        // given: a checkpoint store whose projections were never switched by generation
        checkpoints.createSchema();
        // when
        LiveTables tables = checkpoints.liveTables("never_rebuilt");
        // then
        assertThat(tables.generation()).isZero();
        assertThat(tables.isGenerationNamed()).isFalse();
        assertThat(tables.table("balance")).isEqualTo("balance");
        assertThat(new LiveTables("p", 4).table("balance")).isEqualTo("balance__g4");
        assertThatThrownBy(() -> tables.table("balance; DROP TABLE x")).isInstanceOf(IllegalArgumentException.class);
    }

    /** @return true when the shadow copy's committed checkpoint is at {@code head} */
    private boolean shadowCaughtUp(dev.eventline.core.LogPosition head) {
        try (var connection = pool.getConnection(); var select = connection.prepareStatement(
            "SELECT commit_id, log_position FROM el_projection_checkpoint WHERE projection = ?")) {
            select.setString(1, ShadowRebuild.shadowName(VersionedBalances.NAME));
            try (var rows = select.executeQuery()) {
                return rows.next() && rows.getLong(1) == head.commit() && rows.getLong(2) == head.position();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> tables() throws SQLException {
        List<String> names = new java.util.ArrayList<>();
        try (var connection = pool.getConnection(); var select = connection.prepareStatement(
            "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC' AND (TABLE_NAME LIKE "
                + "'BALANCE%' OR TABLE_NAME LIKE 'APPLIED\\_EVENT%' ESCAPE '\\')"); var rows = select.executeQuery()) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }

    /**
     * Queries a {@link VersionedBalances} read model in a loop without pauses, resolving its table names once per
     * iteration, as its Javadoc asks readers to; records every failure, partial or mixed read model, and a version
     * older than one already seen.
     */
    private static final class GenerationReader {
        final AtomicBoolean querying = new AtomicBoolean(true);
        final AtomicLong queries = new AtomicLong();
        final List<String> wrongAnswers = new CopyOnWriteArrayList<>();
        final Set<Integer> versions = ConcurrentHashMap.newKeySet();
        Thread thread;

        static GenerationReader start(DataSource pool, JdbcCheckpointStore checkpoints, long total, long applied) {
            GenerationReader reader = new GenerationReader();
            reader.thread = new Thread(() -> {
                int newest = 0;
                while (reader.querying.get()) {
                    try (var connection = pool.getConnection()) {
                        LiveTables tables = checkpoints.liveTables(connection, VersionedBalances.NAME);
                        VersionedBalances.Seen seen = VersionedBalances.read(connection, tables);
                        String wrong = seen.wrong(total, applied);
                        if (wrong != null) {
                            reader.wrongAnswers.add(wrong);
                        } else if (seen.balanceVersion() < newest) {
                            reader.wrongAnswers.add("version " + seen.balanceVersion() + " after " + newest);
                        }
                        newest = Math.max(newest, seen.balanceVersion());
                        reader.versions.add(seen.balanceVersion());
                        reader.queries.incrementAndGet();
                    } catch (SQLException | RuntimeException e) {
                        reader.wrongAnswers.add(e.toString());
                    }
                }
            });
            reader.thread.start();
            return reader;
        }

        /** Waits until the reader has completed a few more queries from now on. */
        void awaitMoreQueries() {
            long from = queries.get();
            await().atMost(WAIT).until(() -> queries.get() >= from + 5 || !wrongAnswers.isEmpty());
        }

        List<String> stop() throws InterruptedException {
            querying.set(false);
            thread.join();
            return wrongAnswers;
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
