package dev.eventline.projections;

import static dev.eventline.projections.TestEvents.deposited;
import static dev.eventline.projections.TestEvents.noise;
import static dev.eventline.projections.TestEvents.withdrawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.core.branch.Branches;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.branch.JdbcBranchStorage;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What inline JDBC projections promise, on every database: the read model commits with the append, a failing
 * handler refuses it, nothing is applied twice, the checkpoint lets a runner take over or rebuild from the log.
 * Subclasses give a fresh, empty database per test.
 */
abstract class InlineProjectionsContract {

    /** @return a new, empty database (a fresh pool) */
    protected abstract DataSource freshDatabase();

    private DataSource dataSource;
    private CommitHookDataSource hooked;

    @BeforeEach
    void createDatabase() {
        dataSource = freshDatabase();
        hooked = new CommitHookDataSource(dataSource);
        JdbcEventStore.builder(dataSource).build().createSchema();
    }

    private InlineProjections inline(Projection... projections) {
        InlineProjections inline = InlineProjections.of(dataSource, projections);
        inline.createSchema();
        return inline;
    }

    private JdbcEventStore store(InlineProjections inline) {
        return JdbcEventStore.builder(hooked).appendHook(inline).build();
    }

    private static List<EventData> deposits(long... cents) {
        List<EventData> events = new ArrayList<>();
        for (long amount : cents) {
            events.add(deposited(amount));
        }
        return events;
    }

    @Test
    void a_handler_failing_on_a_transient_database_error_makes_the_refusal_retryable() {
        // given
        RecordedEvent event = new RecordedEvent(java.util.UUID.randomUUID(), "account-1", 1, LogPosition.of(1),
            java.time.Instant.EPOCH, "MoneyDeposited", 1, new byte[0], dev.eventline.core.EventMetadata.empty(), "");
        // when
        var deadlock = new InlineProjectionFailedException("p", event, new SQLException("deadlock", "40P01"));
        var bug = new InlineProjectionFailedException("p", event, new IllegalStateException("bug"));
        // then
        assertThat(deadlock.isRetryable()).isTrue();
        assertThat(deadlock.getMessage()).contains("retry");
        assertThat(bug.isRetryable()).isFalse();
    }

    @Test
    void the_read_model_and_its_checkpoint_commit_with_the_append_and_a_query_right_after_sees_them()
        throws SQLException {
        // given
        InlineProjections inline = inline(JdbcBalances.projection());
        JdbcEventStore store = store(inline);
        // when
        store.append("account-1", ExpectedVersion.noStream(), deposits(500, 250));
        AppendResult last = store.append("account-1", ExpectedVersion.exactly(2), List.of(withdrawn(100)));
        // then
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(650);
        assertThat(JdbcBalances.appliedEvents(dataSource)).isEqualTo(3);
        assertThat(inline.position(JdbcBalances.NAME)).isEqualTo(last.lastPosition());
        assertThat(CheckpointStore.jdbc(dataSource).load(JdbcBalances.NAME)).isEqualTo(last.lastPosition());
    }

    @Test
    void a_failing_handler_refuses_the_append_naming_the_projection_and_the_event_and_nothing_is_stored()
        throws SQLException {
        // given: a second projection that would succeed, applied first
        Projection audit = auditProjection();
        InlineProjections inline = inline(audit, JdbcBalances.projection(
            event -> TestEvents.cents(event) == 13, new AtomicInteger()));
        JdbcEventStore store = store(inline);
        store.append("account-1", ExpectedVersion.noStream(), deposits(100));
        LogPosition before = inline.position(JdbcBalances.NAME);
        // when
        Throwable refused = catchThrowable(() ->
            store.append("account-1", ExpectedVersion.exactly(1), deposits(7, 13)));
        // then
        assertThat(refused).isInstanceOfSatisfying(InlineProjectionFailedException.class, failure -> {
            assertThat(failure.projection()).isEqualTo(JdbcBalances.NAME);
            assertThat(failure.failedEvent().version()).isEqualTo(3);
            assertThat(failure.isRetryable()).isFalse();
            assertThat(failure.getMessage()).contains(JdbcBalances.NAME, "account-1",
                failure.failedEvent().eventId().toString(), "poison event", "Nothing was stored");
        });
        assertThat(store.streamVersion("account-1")).isEqualTo(1);
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(100);
        assertThat(JdbcBalances.single(dataSource, "SELECT COUNT(*) FROM audit_line")).isEqualTo(1);
        assertThat(inline.position(JdbcBalances.NAME)).isEqualTo(before);
        assertThat(inline.position("audit")).isEqualTo(before);
    }

    @Test
    void a_handler_asking_for_a_table_its_projection_does_not_declare_refuses_the_append_naming_the_fix() {
        // given: a handler that writes to a table missing from tables()
        Projection undeclared = Projection.builder("undeclared")
            .tables("audit_line")
            .on("MoneyDeposited", (event, tx) -> tx.table("ledger"))
            .build();
        JdbcEventStore store = store(inline(undeclared));
        // when
        Throwable refused = catchThrowable(() -> store.append("account-1", ExpectedVersion.noStream(), deposits(5)));
        // then
        assertThat(refused).isInstanceOf(InlineProjectionFailedException.class)
            .rootCause().isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'undeclared' does not declare table 'ledger'", "[audit_line]", "Add it to tables()");
        assertThat(store.streamVersion("account-1")).isZero();
    }

    @Test
    void a_commit_that_fails_after_the_handlers_ran_keeps_neither_the_events_nor_the_rows() throws SQLException {
        // given: the connection dies at the commit, as in a crash after the handlers
        InlineProjections inline = inline(JdbcBalances.projection());
        JdbcEventStore store = store(inline);
        store.append("account-1", ExpectedVersion.noStream(), deposits(100));
        hooked.beforeCommit(connection -> {
            throw new SQLException("connection lost at commit", "08006");
        });
        // when
        Throwable failed = catchThrowable(() -> store.append("account-1", ExpectedVersion.exactly(1), deposits(5)));
        hooked.beforeCommit(connection -> { });
        // then
        assertThat(failed).isInstanceOf(StorageException.class);
        assertThat(store.streamVersion("account-1")).isEqualTo(1);
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(100);
        assertThat(JdbcBalances.appliedEvents(dataSource)).isEqualTo(1);
    }

    @Test
    void a_retried_append_and_a_lost_race_apply_nothing_twice() throws SQLException {
        // given
        AtomicInteger applied = new AtomicInteger();
        InlineProjections inline = inline(JdbcBalances.projection(event -> false, applied));
        JdbcEventStore store = store(inline);
        List<EventData> batch = deposits(40, 2);
        AppendResult first = store.append("account-1", ExpectedVersion.noStream(), batch);
        // when
        AppendResult retried = store.append("account-1", ExpectedVersion.noStream(), batch);
        Throwable conflict = catchThrowable(() ->
            store.append("account-1", ExpectedVersion.exactly(1), deposits(1000)));
        // then
        assertThat(retried).isEqualTo(first);
        assertThat(conflict).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(applied).hasValue(2);
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(42);
        assertThat(JdbcBalances.appliedEvents(dataSource)).isEqualTo(2);
    }

    @Test
    void appends_without_a_handled_type_run_no_sql_of_the_projection() throws SQLException {
        // given: the projection's checkpoint table is gone, so any statement of the projection would fail
        InlineProjections inline = inline(JdbcBalances.projection());
        JdbcEventStore store = store(inline);
        JdbcBalances.execute(dataSource, "DROP TABLE el_projection_checkpoint");
        // when
        AppendResult unrelated = store.append("account-1", ExpectedVersion.noStream(), List.of(noise(), noise()));
        Throwable handled = catchThrowable(() -> store.append("account-1", ExpectedVersion.exactly(2),
            deposits(1)));
        // then
        assertThat(unrelated.currentVersion()).isEqualTo(2);
        assertThat(handled).isInstanceOf(StorageException.class).hasMessageContaining("append hook");
        assertThat(store.streamVersion("account-1")).isEqualTo(2);
    }

    @Test
    void a_projection_without_tables_or_a_missing_checkpoint_row_is_refused_with_the_fix() {
        // given
        Projection inMemory = Projection.builder("in_memory").on("MoneyDeposited", event -> { }).build();
        InlineProjections notSetUp = InlineProjections.of(dataSource, JdbcBalances.projection());
        CheckpointStore.jdbc(dataSource).createSchema();
        JdbcEventStore store = store(notSetUp);
        // when / then
        assertThatThrownBy(() -> InlineProjections.of(dataSource, inMemory))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("InlineProjectionStore");
        assertThatThrownBy(() -> InlineProjections.of(dataSource, JdbcBalances.projection(),
            JdbcBalances.projection())).isInstanceOf(ConfigurationException.class).hasMessageContaining("are named");
        assertThatThrownBy(() -> store.append("account-1", ExpectedVersion.any(), deposits(1)))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("createSchema()");
        assertThat(store.streamVersion("account-1")).isZero();
    }

    @Test
    void an_async_runner_takes_over_from_the_inline_checkpoint_with_nothing_lost_or_doubled() throws Exception {
        // given: inline appends, then the application drops the hook and runs the projection in a runner
        InlineProjections inline = inline(JdbcBalances.projection());
        store(inline).append("account-1", ExpectedVersion.noStream(), deposits(1, 2));
        store(inline).append("account-2", ExpectedVersion.noStream(), List.of(noise(), deposited(4)));
        JdbcEventStore plain = JdbcEventStore.builder(dataSource).build();
        plain.append("account-1", ExpectedVersion.exactly(2), deposits(8));
        // when: the applied_event primary key makes any double application fail the runner
        try (ProjectionRunner runner = ProjectionRunner.builder(plain).checkpoints(CheckpointStore.jdbc(dataSource))
            .register(JdbcBalances.projection()).build()) {
            runner.catchUp();
        }
        // then
        assertThat(JdbcBalances.total(dataSource)).isEqualTo(15);
        assertThat(JdbcBalances.appliedEvents(dataSource)).isEqualTo(4);
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(11);
    }

    @Test
    void while_a_runner_holds_the_projection_inline_appends_it_handles_are_refused() throws SQLException {
        // given
        InlineProjections inline = inline(JdbcBalances.projection());
        JdbcEventStore store = store(inline);
        Throwable refused;
        try (ProjectionRunner runner = ProjectionRunner.builder(store).checkpoints(CheckpointStore.jdbc(dataSource))
            .register(JdbcBalances.projection()).pollInterval(Duration.ofMillis(50)).build()) {
            runner.start();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                CheckpointStore.jdbc(dataSource).lease(JdbcBalances.NAME).isPresent());
            // when
            refused = catchThrowable(() -> store.append("account-1", ExpectedVersion.any(), deposits(5)));
            store.append("account-1", ExpectedVersion.any(), List.of(noise()));
        }
        store.append("account-1", ExpectedVersion.any(), deposits(7));
        // then
        assertThat(refused).isInstanceOf(ConfigurationException.class).hasMessageContaining("also run by");
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(7);
        assertThat(store.streamVersion("account-1")).isEqualTo(2);
    }

    @Test
    void rebuilds_through_the_runner_work_from_the_log_and_inline_updates_resume_after_them() throws Exception {
        for (RebuildMode mode : RebuildMode.values()) {
            // given: a read model that drifted from the log (rows edited by hand)
            createDatabase();
            InlineProjections inline = inline(JdbcBalances.projection());
            JdbcEventStore store = store(inline);
            store.append("account-1", ExpectedVersion.noStream(), deposits(10, 20));
            store.append("account-2", ExpectedVersion.noStream(), List.of(deposited(5), noise()));
            JdbcBalances.execute(dataSource, "UPDATE balance SET cents = 0");
            // when
            try (ProjectionRunner runner = ProjectionRunner.builder(store)
                .checkpoints(CheckpointStore.jdbc(dataSource)).register(JdbcBalances.projection()).build()) {
                var done = runner.rebuild(JdbcBalances.NAME, mode);
                if (mode == RebuildMode.TRUNCATE_AND_REPLAY) {
                    runner.catchUp();
                }
                done.get(30, TimeUnit.SECONDS);
            }
            AppendResult after = store.append("account-1", ExpectedVersion.exactly(2), deposits(100));
            // then
            assertThat(JdbcBalances.centsOf(dataSource, "account-1")).as(mode.name()).isEqualTo(130);
            assertThat(JdbcBalances.centsOf(dataSource, "account-2")).as(mode.name()).isEqualTo(5);
            assertThat(JdbcBalances.appliedEvents(dataSource)).as(mode.name()).isEqualTo(4);
            assertThat(inline.position(JdbcBalances.NAME)).as(mode.name()).isEqualTo(after.lastPosition());
        }
    }

    @Test
    void appends_to_a_branch_do_not_run_the_inline_projections() throws SQLException {
        // given
        InlineProjections inline = inline(JdbcBalances.projection());
        JdbcEventStore store = store(inline);
        JdbcBranchStorage storage = JdbcBranchStorage.builder(dataSource).build();
        storage.createSchema();
        store.append("account-1", ExpectedVersion.noStream(), deposits(10));
        BranchStore whatIf = Branches.builder(store).storage(storage).build().create("what_if");
        // when
        whatIf.append("account-1", ExpectedVersion.exactly(1), deposits(1_000));
        // then
        assertThat(whatIf.streamVersion("account-1")).isEqualTo(2);
        assertThat(JdbcBalances.centsOf(dataSource, "account-1")).isEqualTo(10);
    }

    @Test
    void eight_threads_appending_to_different_streams_leave_the_read_model_equal_to_a_fold_of_the_log()
        throws Exception {
        // given: balances, and a counter that reads then writes one shared row without locking it itself
        InlineProjections inline = inline(readThenWriteCounter(), JdbcBalances.projection());
        JdbcEventStore store = store(inline);
        int threads = 8;
        int appendsPerThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // when
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    for (int i = 0; i < appendsPerThread; i++) {
                        String stream = "account-" + thread + "-" + random.nextInt(3);
                        List<EventData> events = new ArrayList<>();
                        for (int e = random.nextInt(1, 4); e > 0; e--) {
                            int kind = random.nextInt(3);
                            events.add(kind == 0 ? noise() : kind == 1 ? deposited(random.nextInt(1, 100))
                                : withdrawn(random.nextInt(1, 50)));
                        }
                        store.append(stream, ExpectedVersion.any(), events);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        // then
        Map<String, Long> folded = new HashMap<>();
        long handled = 0;
        LogPosition last = LogPosition.START;
        LogPosition lastHandled = LogPosition.START;
        try (Stream<RecordedEvent> log = store.readAll(LogPosition.START)) {
            for (RecordedEvent event : (Iterable<RecordedEvent>) log::iterator) {
                last = event.position();
                if (!event.type().equals("AddressChanged")) {
                    lastHandled = event.position();
                    folded.merge(event.streamId(), TestEvents.signedCents(event), Long::sum);
                    handled++;
                }
            }
        }
        for (Map.Entry<String, Long> account : folded.entrySet()) {
            assertThat(JdbcBalances.centsOf(dataSource, account.getKey())).as(account.getKey())
                .isEqualTo(account.getValue());
        }
        assertThat(JdbcBalances.appliedEvents(dataSource)).isEqualTo(handled);
        // the checkpoint row lock runs one append at a time per projection: no lost update on the shared row
        assertThat(JdbcBalances.single(dataSource, "SELECT n FROM event_counter")).isEqualTo(handled);
        LogPosition checkpoint = inline.position(JdbcBalances.NAME);
        assertThat(checkpoint.isAfter(last)).isFalse();
        assertThat(lastHandled.isAfter(checkpoint)).isFalse();
        // every handled event is at or before the checkpoint: a runner taking over applies nothing again
        try (ProjectionRunner runner = ProjectionRunner.builder(store).checkpoints(CheckpointStore.jdbc(dataSource))
            .register(JdbcBalances.projection()).build()) {
            runner.catchUp();
        }
        assertThat(JdbcBalances.appliedEvents(dataSource)).isEqualTo(handled);
    }

    /** Counts money events in one row, reading the count and writing it back (a race without serialization). */
    private static Projection readThenWriteCounter() {
        return Projection.builder("counter")
            .tables("event_counter")
            .setUp(tx -> {
                try (var statement = tx.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("event_counter")
                        + " (id INT PRIMARY KEY, n BIGINT NOT NULL)");
                    statement.execute("DELETE FROM " + tx.table("event_counter"));
                    statement.execute("INSERT INTO " + tx.table("event_counter") + " (id, n) VALUES (1, 0)");
                }
            })
            .on("MoneyDeposited", InlineProjectionsContract::count)
            .on("MoneyWithdrawn", InlineProjectionsContract::count)
            .build();
    }

    private static void count(RecordedEvent event, ProjectionContext tx) throws SQLException {
        long n;
        try (var select = tx.connection().prepareStatement("SELECT n FROM " + tx.table("event_counter"));
             var rows = select.executeQuery()) {
            rows.next();
            n = rows.getLong(1);
        }
        try (var update = tx.connection().prepareStatement("UPDATE " + tx.table("event_counter") + " SET n = ?")) {
            update.setLong(1, n + 1);
            update.executeUpdate();
        }
    }

    /** A second read model: one row per deposit, no failures. */
    private static Projection auditProjection() {
        return Projection.builder("audit")
            .tables("audit_line")
            .setUp(tx -> {
                try (var statement = tx.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("audit_line")
                        + " (event_id UUID PRIMARY KEY)");
                }
            })
            .on("MoneyDeposited", (event, tx) -> {
                try (var insert = tx.connection().prepareStatement("INSERT INTO " + tx.table("audit_line")
                    + " (event_id) VALUES (?)")) {
                    insert.setObject(1, event.eventId());
                    insert.executeUpdate();
                }
            })
            .build();
    }
}
