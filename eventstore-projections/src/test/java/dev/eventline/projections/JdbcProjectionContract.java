package dev.eventline.projections;

import static dev.eventline.projections.TestEvents.deposited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * What JDBC read models promise, run against every database: exactly-once effects across crashes, one owner per
 * projection, durable dead letters, rebuilds. Subclasses give a fresh, empty database per test.
 */
abstract class JdbcProjectionContract {

    /** Generous: the shared CI machines run at load averages of 20-30; a timeout, never a timing assertion. */
    static final Duration WAIT = Duration.ofSeconds(120);
    static final Duration FAST_POLL = Duration.ofMillis(10);

    /** @return a new connection pool on this test's database (each call: another pool, as another JVM would have) */
    protected abstract DataSource newPool();

    /** @return the event store the projections follow (fresh per test) */
    protected abstract EventStore store();

    private JdbcCheckpointStore checkpoints(DataSource dataSource) {
        JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(dataSource);
        checkpoints.createSchema();
        return checkpoints;
    }

    private ProjectionRunner.Builder runner(DataSource dataSource) {
        return ProjectionRunner.builder(store()).checkpoints(checkpoints(dataSource)).pollInterval(FAST_POLL);
    }

    @Test
    void catches_up_a_large_log_committing_rows_and_checkpoint_together() throws Exception {
        // given
        var filled = TestEvents.fill(store(), 50, 10_000);
        DataSource pool = newPool();
        try (var runner = runner(pool).register(JdbcBalances.projection()).build()) {
            // when
            runner.start();
            // then
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            assertThat(JdbcBalances.total(pool)).isEqualTo(filled.sum());
            assertThat(JdbcBalances.appliedEvents(pool)).isEqualTo(10_000);
            assertThat(checkpoints(pool).load(JdbcBalances.NAME)).isEqualTo(filled.last());
        }
    }

    @Test
    void applies_each_event_exactly_once_when_connections_die_around_the_commit() throws Exception {
        // given: once started, 15 batch commits fail: 10 lost before the commit, then 5 applied with the reply lost
        long sum = TestEvents.fill(store(), 10, 3_000).sum();
        KillableDataSource flaky = new KillableDataSource(newPool());
        try (var runner = runner(flaky).batchSize(100).register(JdbcBalances.projection()).build()) {
            // when
            runner.start();
            flaky.failCommits(KillableDataSource.CommitFault.BEFORE_COMMIT, commit -> commit % 2 == 0 && commit <= 20);
            await().atMost(WAIT).until(() -> flaky.faultsInjected() >= 10);
            flaky.failCommits(KillableDataSource.CommitFault.AFTER_COMMIT, commit -> commit % 2 == 0 && commit <= 10);
            var more = TestEvents.fill(store(), 10, 1_000);
            sum += more.sum();
            // then
            assertThat(runner.awaitPosition(JdbcBalances.NAME, more.last(), WAIT)).isTrue();
            assertThat(runner.status(JdbcBalances.NAME).state()).isNotEqualTo(ProjectionState.FAILED);
        }
        DataSource check = newPool();
        assertThat(flaky.faultsInjected()).isGreaterThanOrEqualTo(15);
        assertThat(JdbcBalances.appliedEvents(check)).isEqualTo(4_000);
        assertThat(JdbcBalances.total(check)).isEqualTo(sum);
        assertThat(checkpoints(check).load(JdbcBalances.NAME)).isEqualTo(store().headPosition());
    }

    @Test
    void a_bulk_handler_gets_whole_batches_and_a_failing_batch_is_reapplied_event_by_event() throws Exception {
        // given: a bulk read model; one event of account-2 is poison
        var filled = TestEvents.fill(store(), 5, 2_000);
        DataSource pool = newPool();
        AtomicInteger batchCalls = new AtomicInteger();
        Projection bulk = JdbcBalances.bulk(event -> event.streamId().equals("account-2") && event.version() == 150,
            batchCalls);
        try (var runner = runner(pool).batchSize(500).errorPolicy(ErrorPolicy.retryThenPark(0, Duration.ofMillis(1)))
            .register(bulk).build()) {
            // when
            runner.start();
            // then: the batches went through handleBatch; the poison was found, parked with its stream's later events
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            List<DeadLetter> parked = runner.deadLetters(JdbcBalances.NAME);
            assertThat(parked.get(0).version()).isEqualTo(150);
            assertThat(parked.get(0).error()).contains("poison event account-2@150");
            assertThat(parked).allMatch(letter -> letter.streamId().equals("account-2"));
            assertThat(JdbcBalances.appliedEvents(pool)).isEqualTo(2_000 - parked.size());
            assertThat(batchCalls.get()).isGreaterThanOrEqualTo(4).isLessThan(2_000 / 10);
        }
    }

    @Test
    void a_failing_bulk_batch_is_searched_after_the_first_backoff_so_the_poison_runs_one_plus_max_retries_times()
        throws Exception {
        // given: a bulk read model (its handleBatch does not say which event failed); one event is poison
        var filled = TestEvents.fill(store(), 5, 600);
        List<Long> poisonCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Projection bulk = JdbcBalances.bulk(event -> {
            boolean poison = event.streamId().equals("account-1") && event.version() == 30;
            if (poison) {
                poisonCalls.add(System.nanoTime());
            }
            return poison;
        }, new AtomicInteger());
        ErrorPolicy policy = ErrorPolicy.retryThenPark(2, Duration.ofMillis(40));
        try (var runner = runner(newPool()).batchSize(200).errorPolicy(policy).register(bulk).build()) {
            // when
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            // then: the batch's call, the event-by-event search (the first retry, after the first backoff), one
            // more retry after the second backoff; then parked
            assertThat(poisonCalls).hasSize(1 + policy.maxRetries());
            for (int attempt = 1; attempt <= policy.maxRetries(); attempt++) {
                assertThat(Duration.ofNanos(poisonCalls.get(attempt) - poisonCalls.get(attempt - 1)))
                    .as("wait before retry %d", attempt).isGreaterThanOrEqualTo(policy.backoff(attempt, 0));
            }
            assertThat(runner.deadLetters(JdbcBalances.NAME).get(0).version()).isEqualTo(30);
        }
    }

    @Test
    void another_instance_takes_over_when_the_owner_dies_mid_batch_with_nothing_lost_or_doubled() throws Exception {
        // given: the owner blocks in the middle of a batch, then its process dies
        TestEvents.fill(store(), 10, 2_000);
        CountDownLatch ownerInBatch = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        AtomicInteger ownerCalls = new AtomicInteger();
        Projection ownerProjection = JdbcBalances.projection(event -> {
            if (ownerCalls.incrementAndGet() == 1_250) {
                ownerInBatch.countDown();
                try {
                    never.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        }, new AtomicInteger());
        KillableDataSource ownerPool = new KillableDataSource(newPool());
        DataSource standbyPool = newPool();
        Duration lease = Duration.ofMillis(800);
        var owner = runner(ownerPool).leaseTimeout(lease).batchSize(500).register(ownerProjection).build();
        var standby = runner(standbyPool).leaseTimeout(lease).batchSize(500).register(JdbcBalances.projection())
            .build();
        try (owner; standby) {
            owner.start();
            assertThat(ownerInBatch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            standby.start();
            // when
            ownerPool.kill();
            never.countDown();
            AppendResult more = store().append("account-late", ExpectedVersion.any(), List.of(deposited(7)));
            // then
            assertThat(standby.awaitPosition(JdbcBalances.NAME, last(more), WAIT)).isTrue();
            assertThat(standby.status(JdbcBalances.NAME).state()).isIn(ProjectionState.LIVE,
                ProjectionState.CATCHING_UP);
            assertThat(JdbcBalances.appliedEvents(standbyPool)).isEqualTo(2_001);
            assertThat(JdbcBalances.total(standbyPool)).isEqualTo(2_000L * 2_001 / 2 + 7);
            assertThat(checkpoints(standbyPool).lease(JdbcBalances.NAME).orElseThrow().owner())
                .isEqualTo(standby.ownerId());
        }
    }

    @Test
    void two_live_instances_never_apply_an_event_twice() throws Exception {
        // given: two runners on separate pools, with a lease short enough to change hands during the run
        DataSource firstPool = newPool();
        DataSource secondPool = newPool();
        Duration lease = Duration.ofMillis(300);
        Projection slow = JdbcBalances.projection(event -> {
            if (event.version() % 97 == 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        }, new AtomicInteger());
        var first = runner(firstPool).leaseTimeout(lease).batchSize(200).register(slow).build();
        var second = runner(secondPool).leaseTimeout(lease).batchSize(200).register(slow).build();
        try (first; second) {
            first.start();
            second.start();
            // when
            var filled = TestEvents.fill(store(), 5, 2_000);
            long sum = filled.sum();
            // then: a double application would violate applied_event's key and fail the projection
            await().atMost(WAIT).until(() -> checkpoints(firstPool).load(JdbcBalances.NAME).equals(filled.last()));
            assertThat(first.status(JdbcBalances.NAME).state()).isNotEqualTo(ProjectionState.FAILED);
            assertThat(second.status(JdbcBalances.NAME).state()).isNotEqualTo(ProjectionState.FAILED);
            assertThat(JdbcBalances.appliedEvents(firstPool)).isEqualTo(2_000);
            assertThat(JdbcBalances.total(firstPool)).isEqualTo(sum);
        }
    }

    @Test
    void parks_poison_events_durably_and_replays_them_after_the_fix() throws Exception {
        // given
        DataSource pool = newPool();
        boolean[] fixed = {false};
        Projection projection = JdbcBalances.projection(
            event -> !fixed[0] && event.streamId().equals("account-3") && event.version() >= 4,
            new AtomicInteger());
        AppendResult lastAppend = null;
        for (int i = 0; i < 500; i++) {
            lastAppend = store().append("account-" + (i % 10), ExpectedVersion.any(), List.of(deposited(1)));
        }
        try (var runner = runner(pool).errorPolicy(ErrorPolicy.retryThenPark(2, Duration.ofMillis(1)))
            .register(projection).build()) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, last(lastAppend), WAIT)).isTrue();
        }
        // when: a new runner (a restart) keeps the stream parked for new events
        try (var runner = runner(pool).errorPolicy(ErrorPolicy.retryThenPark(2, Duration.ofMillis(1)))
            .register(projection).build()) {
            runner.start();
            AppendResult more = store().append("account-3", ExpectedVersion.any(), List.of(deposited(1)));
            runner.awaitPosition(JdbcBalances.NAME, last(more), WAIT);
            // then
            List<DeadLetter> parked = runner.deadLetters(JdbcBalances.NAME);
            assertThat(parked).hasSize(48).allMatch(letter -> letter.streamId().equals("account-3"));
            assertThat(parked).extracting(DeadLetter::version).isSorted();
            assertThat(parked.get(0).error()).contains("poison event account-3@4");
            assertThat(JdbcBalances.centsOf(pool, "account-3")).isEqualTo(3);
            assertThat(JdbcBalances.total(pool)).isEqualTo(500 - 47);
            // when: fixed and replayed
            fixed[0] = true;
            assertThat(runner.replayDeadLetters(JdbcBalances.NAME)).isEqualTo(48);
            // then
            assertThat(runner.deadLetters(JdbcBalances.NAME)).isEmpty();
            assertThat(JdbcBalances.total(pool)).isEqualTo(501);
            assertThat(JdbcBalances.appliedEvents(pool)).isEqualTo(501);
        }
    }

    @Test
    void a_truncate_and_replay_rebuild_removes_stray_rows_and_refuses_a_live_start_meanwhile() throws Exception {
        // given: a read model with a stray row planted by hand
        var filled = TestEvents.fill(store(), 5, 1_000);
        long sum = filled.sum();
        DataSource pool = newPool();
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        boolean[] slowDown = {false};
        Projection projection = JdbcBalances.projection(event -> {
            if (slowDown[0] && calls.incrementAndGet() == 100) {
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return false;
        }, new AtomicInteger());
        try (var runner = runner(pool).register(projection).build()) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            JdbcBalances.execute(pool, "INSERT INTO balance (account, cents) VALUES ('stray', 999)");
            // when
            slowDown[0] = true;
            var rebuilt = runner.rebuild(JdbcBalances.NAME, RebuildMode.TRUNCATE_AND_REPLAY);
            await().atMost(WAIT).until(() -> calls.get() >= 100);
            // then: another instance may not start the projection during the rebuild
            try (var other = runner(newPool()).register(JdbcBalances.projection()).build()) {
                assertThatThrownBy(other::start).isInstanceOf(ProjectionRebuildingException.class)
                    .hasMessageContaining("is being rebuilt by runner '" + runner.ownerId() + "'");
            }
            assertThat(runner.status(JdbcBalances.NAME).state()).isEqualTo(ProjectionState.REBUILDING);
            release.countDown();
            assertThat(rebuilt.get(30, TimeUnit.SECONDS).state()).isEqualTo(ProjectionState.LIVE);
            assertThat(JdbcBalances.centsOf(pool, "stray")).isZero();
            assertThat(JdbcBalances.total(pool)).isEqualTo(sum);
            assertThat(JdbcBalances.appliedEvents(pool)).isEqualTo(1_000);
        }
    }

    @Test
    void a_shadow_rebuild_fills_fresh_tables_and_switches_them_in_with_the_checkpoint() throws Exception {
        // given
        var filled = TestEvents.fill(store(), 5, 2_000);
        long sum = filled.sum();
        DataSource pool = newPool();
        try (var runner = runner(pool).batchSize(250).register(JdbcBalances.projection()).build()) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
            JdbcBalances.execute(pool, "INSERT INTO balance (account, cents) VALUES ('stray', 999)");
            // when
            ProjectionStatus status = runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(30, TimeUnit.SECONDS);
            // then
            assertThat(status.state()).isEqualTo(ProjectionState.LIVE);
            assertThat(JdbcBalances.centsOf(pool, "stray")).isZero();
            assertThat(JdbcBalances.total(pool)).isEqualTo(sum);
            assertThat(checkpoints(pool).generation(JdbcBalances.NAME)).isEqualTo(1);
            // and it keeps following the log, into the switched tables; a second rebuild works too
            AppendResult more = store().append("account-1", ExpectedVersion.any(), List.of(deposited(5)));
            runner.awaitPosition(JdbcBalances.NAME, last(more), WAIT);
            assertThat(JdbcBalances.total(pool)).isEqualTo(sum + 5);
            runner.rebuild(JdbcBalances.NAME, RebuildMode.SHADOW).get(30, TimeUnit.SECONDS);
            assertThat(JdbcBalances.total(pool)).isEqualTo(sum + 5);
            assertThat(checkpoints(pool).generation(JdbcBalances.NAME)).isEqualTo(2);
        }
    }

    @Test
    void the_fixture_answers_queries_on_a_jdbc_read_model() throws Exception {
        DataSource pool = newPool();
        ProjectionFixture.jdbc(JdbcBalances.projection(), pool)
            .given("account-1", deposited(500), TestEvents.withdrawn(120))
            .given("account-2", deposited(3))
            .then(projection -> {
                assertThat(JdbcBalances.centsOf(pool, "account-1")).isEqualTo(380);
                assertThat(JdbcBalances.total(pool)).isEqualTo(383);
            })
            .given("account-2", deposited(1))
            .then(projection -> assertThat(JdbcBalances.total(pool)).isEqualTo(384));
    }

    static LogPosition last(AppendResult result) {
        return result.events().get(result.events().size() - 1).position();
    }
}
