package dev.eventline.projections;

import static dev.eventline.projections.TestEvents.deposited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A projection stopped by a failing event resumes on the same runner once the cause is fixed. */
class ProjectionRestartTest {

    private static final Duration FAST_POLL = Duration.ofMillis(10);
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ErrorPolicy STOP_AT_ONCE = ErrorPolicy.retryThenStop(1, Duration.ofMillis(1));

    private static LogPosition last(AppendResult result) {
        return result.lastPosition();
    }

    private static Projection ledger(AtomicBoolean broken, List<UUID> applied) {
        return Projection.builder("ledger")
            .on("MoneyDeposited", (RecordedEvent event) -> {
                if (broken.get() && event.streamId().equals("poison")) {
                    throw new IllegalStateException("cannot apply " + event.streamId() + " yet");
                }
                applied.add(event.eventId());
            })
            .build();
    }

    @Test
    void an_in_memory_projection_resumes_from_its_checkpoint_with_the_failing_event_first() {
        // given: a projection that stopped on the third of four events
        EventStore store = EventStore.inMemory();
        AppendResult first = store.append("a", ExpectedVersion.noStream(), List.of(deposited(1), deposited(2)));
        AppendResult poison = store.append("poison", ExpectedVersion.noStream(), List.of(deposited(3)));
        AppendResult after = store.append("b", ExpectedVersion.noStream(), List.of(deposited(4)));
        AtomicBoolean broken = new AtomicBoolean(true);
        List<UUID> applied = new CopyOnWriteArrayList<>();
        try (var runner = ProjectionRunner.builder(store).pollInterval(FAST_POLL).errorPolicy(STOP_AT_ONCE)
            .register(ledger(broken, applied)).build()) {
            runner.start();
            await().atMost(WAIT).until(() -> runner.status("ledger").state() == ProjectionState.FAILED);
            assertThat(runner.status("ledger").failedEvent()).isEqualTo(poison.events().get(0));
            assertThat(runner.status("ledger").position()).isEqualTo(last(first));
            // when: the cause is fixed and the projection restarted on the same runner
            broken.set(false);
            boolean restarted = runner.restart("ledger");
            // then
            assertThat(restarted).isTrue();
            assertThat(runner.awaitPosition("ledger", last(after), WAIT)).isTrue();
            assertThat(applied).containsExactly(first.events().get(0).eventId(), first.events().get(1).eventId(),
                poison.events().get(0).eventId(), after.events().get(0).eventId());
            await().atMost(WAIT).until(() -> runner.status("ledger").state() == ProjectionState.LIVE);
            assertThat(runner.status("ledger").error()).isNull();
            assertThat(runner.status("ledger").failedEvent()).isNull();
            // and it follows new writes, and a restart of a running projection does nothing
            AppendResult live = store.append("c", ExpectedVersion.noStream(), List.of(deposited(5)));
            assertThat(runner.awaitPosition("ledger", last(live), WAIT)).isTrue();
            assertThat(runner.restart("ledger")).isFalse();
            assertThat(applied).hasSize(5).doesNotHaveDuplicates();
        }
    }

    @Test
    void a_projection_that_fails_again_after_a_restart_is_failed_again_on_the_same_event() {
        // given
        EventStore store = EventStore.inMemory();
        AppendResult poison = store.append("poison", ExpectedVersion.noStream(), List.of(deposited(3)));
        AtomicBoolean broken = new AtomicBoolean(true);
        List<UUID> applied = new CopyOnWriteArrayList<>();
        try (var runner = ProjectionRunner.builder(store).pollInterval(FAST_POLL).errorPolicy(STOP_AT_ONCE)
            .register(ledger(broken, applied)).build()) {
            runner.start();
            await().atMost(WAIT).until(() -> runner.status("ledger").state() == ProjectionState.FAILED);
            // when: restarted before the fix
            assertThat(runner.restart("ledger")).isTrue();
            // then
            await().atMost(WAIT).until(() -> runner.status("ledger").state() == ProjectionState.FAILED);
            assertThat(runner.status("ledger").failedEvent()).isEqualTo(poison.events().get(0));
            assertThatThrownBy(() -> runner.awaitPosition("ledger", last(poison), WAIT))
                .isInstanceOf(ProjectionFailedException.class);
            assertThat(applied).isEmpty();
        }
    }

    @Test
    void a_catch_up_runner_applies_the_failing_event_again_on_the_next_catch_up_after_a_restart() {
        // given
        EventStore store = EventStore.inMemory();
        store.append("a", ExpectedVersion.noStream(), List.of(deposited(1)));
        AppendResult poison = store.append("poison", ExpectedVersion.noStream(), List.of(deposited(3)));
        AtomicBoolean broken = new AtomicBoolean(true);
        List<UUID> applied = new CopyOnWriteArrayList<>();
        try (var runner = ProjectionRunner.builder(store).errorPolicy(STOP_AT_ONCE)
            .register(ledger(broken, applied)).build()) {
            assertThatThrownBy(runner::catchUp).isInstanceOf(ProjectionFailedException.class);
            // when
            broken.set(false);
            assertThat(runner.restart("ledger")).isTrue();
            runner.catchUp();
            // then
            assertThat(applied).hasSize(2).endsWith(poison.events().get(0).eventId());
            assertThat(runner.status("ledger").position()).isEqualTo(last(poison));
        }
    }

    @Test
    void a_closed_runner_refuses_a_restart() {
        var runner = ProjectionRunner.builder(EventStore.inMemory())
            .register(ledger(new AtomicBoolean(), new CopyOnWriteArrayList<>())).build();
        runner.close();
        assertThatThrownBy(() -> runner.restart("ledger")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> ProjectionRunner.builder(EventStore.inMemory()).build().restart("nope"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_jdbc_projection_resumes_from_its_checkpoint_and_applies_every_event_exactly_once() throws Exception {
        // given: H2, events, read model and checkpoints in one database
        HikariDataSource pool = H2TestDatabases.inMemory();
        try (pool) {
            JdbcEventStore store = JdbcEventStore.builder(pool).build();
            store.createSchema();
            JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(pool);
            checkpoints.createSchema();
            var filled = TestEvents.fill(store, 10, 500);
            AtomicBoolean broken = new AtomicBoolean(true);
            AtomicInteger handlerCalls = new AtomicInteger();
            Projection projection = JdbcBalances.projection(
                event -> broken.get() && event.streamId().equals("account-3") && event.version() == 30,
                handlerCalls);
            try (var runner = ProjectionRunner.builder(store).checkpoints(checkpoints).pollInterval(FAST_POLL)
                .batchSize(100).errorPolicy(STOP_AT_ONCE).register(projection).build()) {
                runner.start();
                await().atMost(WAIT).until(() -> runner.status(JdbcBalances.NAME).state() == ProjectionState.FAILED);
                RecordedEvent failed = runner.status(JdbcBalances.NAME).failedEvent();
                assertThat(failed.streamId()).isEqualTo("account-3");
                assertThat(checkpoints.load(JdbcBalances.NAME).compareTo(failed.position())).isNegative();
                long appliedBefore = JdbcBalances.appliedEvents(pool);
                assertThat(appliedBefore).isLessThan(500);
                // when
                broken.set(false);
                assertThat(runner.restart(JdbcBalances.NAME)).isTrue();
                // then: the read model's unique applied_event key fails the projection on any double application
                assertThat(runner.awaitPosition(JdbcBalances.NAME, filled.last(), WAIT)).isTrue();
                await().atMost(WAIT).until(() -> runner.status(JdbcBalances.NAME).state() == ProjectionState.LIVE);
                assertThat(JdbcBalances.appliedEvents(pool)).isEqualTo(500);
                assertThat(JdbcBalances.total(pool)).isEqualTo(filled.sum());
                assertThat(checkpoints.load(JdbcBalances.NAME)).isEqualTo(filled.last());
            }
        }
    }
}
