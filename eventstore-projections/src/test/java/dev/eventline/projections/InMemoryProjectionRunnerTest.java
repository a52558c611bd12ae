package dev.eventline.projections;

import static dev.eventline.projections.TestEvents.deposited;
import static dev.eventline.projections.TestEvents.noise;
import static dev.eventline.projections.TestEvents.withdrawn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InMemoryProjectionRunnerTest {

    private static final Duration FAST_POLL = Duration.ofMillis(10);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final EventStore store = EventStore.inMemory();

    private ProjectionRunner.Builder runner() {
        return ProjectionRunner.builder(store).pollInterval(FAST_POLL);
    }

    private static LogPosition last(AppendResult result) {
        return result.events().get(result.events().size() - 1).position();
    }

    @Nested
    class Following {

        @Test
        void catches_up_with_the_existing_log_then_follows_live_writes() {
            // given
            store.append("account-1", ExpectedVersion.noStream(), List.of(deposited(500), withdrawn(200)));
            var balances = ReadModel.of(Balances::new);
            try (var runner = runner().register(balances).build()) {
                runner.start();
                // when
                AppendResult live = store.append("account-2", ExpectedVersion.noStream(), List.of(deposited(70)));
                // then
                assertThat(runner.awaitPosition("balances", last(live), WAIT)).isTrue();
                assertThat(balances.current().centsOf("account-1")).isEqualTo(300);
                assertThat(balances.current().centsOf("account-2")).isEqualTo(70);
            }
        }

        @Test
        void skips_events_of_other_types_but_moves_its_checkpoint_past_them() {
            // given
            var balances = ReadModel.of(Balances::new);
            store.append("account-1", ExpectedVersion.any(), List.of(deposited(5), noise(), noise()));
            try (var runner = runner().register(balances).build()) {
                // when
                runner.start();
                // then
                assertThat(runner.awaitPosition("balances", store.headPosition(), WAIT)).isTrue();
                assertThat(balances.current().applied()).isEqualTo(1);
                assertThat(runner.status("balances").position()).isEqualTo(store.headPosition());
            }
        }

        @Test
        void a_reader_that_awaits_its_append_position_reads_its_own_write() {
            // given
            var balances = ReadModel.of(Balances::new);
            try (var runner = runner().pollInterval(Duration.ofSeconds(1)).register(balances).build()) {
                runner.start();
                for (int i = 1; i <= 20; i++) {
                    // when
                    AppendResult result = store.append("account-1", ExpectedVersion.any(), List.of(deposited(1)));
                    runner.wake();
                    // then
                    assertThat(runner.awaitPosition("balances", last(result), WAIT)).isTrue();
                    assertThat(balances.current().centsOf("account-1")).isEqualTo(i);
                }
            }
        }

        @Test
        void catches_up_a_large_log_in_batches_applying_every_event_once() {
            // given
            long sum = TestEvents.fill(store, 40, 20_000).sum();
            var balances = ReadModel.of(Balances::new);
            try (var runner = runner().batchSize(500).register(balances).build()) {
                // when
                runner.start();
                // then
                assertThat(runner.awaitPosition("balances", store.headPosition(), WAIT)).isTrue();
                assertThat(balances.current().total()).isEqualTo(sum);
                assertThat(balances.current().applied()).isEqualTo(20_000);
            }
        }

        @Test
        void a_builder_projection_sees_each_event_of_its_types_in_log_order() {
            // given
            List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Projection projection = Projection.builder("positions")
                .on("MoneyDeposited", event -> seen.add(event.globalPosition()))
                .on("MoneyWithdrawn", (event, context) -> seen.add(event.globalPosition()))
                .build();
            TestEvents.fill(store, 7, 1_234);
            store.append("account-x", ExpectedVersion.any(), List.of(withdrawn(1)));
            try (var runner = runner().batchSize(100).register(projection).build()) {
                // when
                runner.start();
                // then
                assertThat(runner.awaitPosition("positions", store.headPosition(), WAIT)).isTrue();
                assertThat(seen).hasSize(1_235).isSorted().doesNotHaveDuplicates();
            }
        }
    }

    @Nested
    class Status {

        @Test
        void reports_lag_in_events_and_time_before_start_and_none_once_live() {
            // given
            Instant recorded = Instant.parse("2026-01-01T10:00:00Z");
            var clockedStore = InMemoryEventStore.builder().clock(() -> recorded).build();
            TestEvents.fill(clockedStore, 3, 30);
            InstantSource later = () -> recorded.plusSeconds(90);
            try (var runner = ProjectionRunner.builder(clockedStore).pollInterval(FAST_POLL).clock(later)
                .register(ReadModel.of(Balances::new)).build()) {
                // when
                ProjectionStatus before = runner.status("balances");
                runner.start();
                runner.awaitPosition("balances", clockedStore.headPosition(), WAIT);
                await().atMost(WAIT).until(() -> runner.status("balances").state() == ProjectionState.LIVE);
                ProjectionStatus after = runner.status("balances");
                // then
                assertThat(before.state()).isEqualTo(ProjectionState.STOPPED);
                assertThat(before.lagEvents()).isEqualTo(30);
                assertThat(before.lagTime()).isEqualTo(Duration.ofSeconds(90));
                assertThat(after.lagEvents()).isZero();
                assertThat(after.lagTime()).isEqualTo(Duration.ZERO);
                assertThat(after.eventsApplied()).isEqualTo(30);
                assertThat(after.position()).isEqualTo(after.head());
            }
        }
    }

    @Nested
    class Errors {

        @Test
        void the_stop_policy_retries_then_fails_with_the_error_and_the_event_without_passing_it() {
            // given
            AtomicInteger attempts = new AtomicInteger();
            var balances = new Balances();
            Projection failing = Projection.builder("failing")
                .on("MoneyDeposited", (event, context) -> {
                    if (TestEvents.cents(event) == 3) {
                        attempts.incrementAndGet();
                        throw new IllegalStateException("cannot apply 3");
                    }
                    balances.handle(event, context);
                })
                .build();
            store.append("account-1", ExpectedVersion.any(), List.of(deposited(1), deposited(2), deposited(3),
                deposited(4)));
            try (var runner = runner().errorPolicy(ErrorPolicy.retryThenStop(2, Duration.ofMillis(5)))
                .register(failing).build()) {
                // when
                runner.start();
                await().atMost(WAIT).until(() -> runner.status("failing").state() == ProjectionState.FAILED);
                // then
                ProjectionStatus status = runner.status("failing");
                assertThat(status.error()).hasMessage("cannot apply 3");
                assertThat(status.failedEvent().version()).isEqualTo(3);
                assertThat(status.position().position()).isEqualTo(2);
                assertThat(attempts.get()).isEqualTo(3);
                assertThat(balances.centsOf("account-1")).isEqualTo(3);
                assertThatThrownBy(() -> runner.awaitPosition("failing", store.headPosition(), WAIT))
                    .isInstanceOf(ProjectionFailedException.class).hasMessageContaining("cannot apply 3");
            }
        }

        @Test
        void the_park_policy_parks_the_stream_from_the_poison_on_and_keeps_other_streams_flowing() {
            // given: 1,000 events over 50 streams; the handler throws on three events of stream account-7
            AtomicBoolean fixed = new AtomicBoolean();
            var balances = new Balances();
            Projection projection = Projection.builder("parking")
                .on("MoneyDeposited", (event, context) -> {
                    if (!fixed.get() && event.streamId().equals("account-7") && event.version() % 5 == 3) {
                        throw new IllegalArgumentException("poison " + event.version());
                    }
                    balances.handle(event, context);
                })
                .build();
            for (int i = 0; i < 1_000; i++) {
                store.append("account-" + (i % 50), ExpectedVersion.any(), List.of(deposited(1)));
            }
            try (var runner = runner().errorPolicy(ErrorPolicy.retryThenPark(1, Duration.ofMillis(1)))
                .register(projection).build()) {
                // when
                runner.start();
                runner.awaitPosition("parking", store.headPosition(), WAIT);
                // then: account-7 is parked from version 3 on (18 events), the other 49 streams are complete
                List<DeadLetter> parked = runner.deadLetters("parking");
                assertThat(parked).hasSize(18).allMatch(letter -> letter.streamId().equals("account-7"));
                assertThat(parked).extracting(DeadLetter::version).isSorted().startsWith(3L, 4L, 5L);
                assertThat(parked.get(0).error()).contains("poison 3");
                assertThat(parked.get(1).error()).contains("earlier parked event");
                assertThat(balances.centsOf("account-7")).isEqualTo(2);
                assertThat(balances.total()).isEqualTo(1_000 - 18);
                assertThat(runner.status("parking").deadLetters()).isEqualTo(18);
                assertThat(runner.status("parking").eventsParked()).isEqualTo(18);
                // when: the handler is fixed and the parked events replayed
                fixed.set(true);
                int replayed = runner.replayDeadLetters("parking");
                AppendResult after = store.append("account-7", ExpectedVersion.any(), List.of(deposited(1)));
                runner.awaitPosition("parking", last(after), WAIT);
                // then: the read model converges and the stream flows again
                assertThat(replayed).isEqualTo(18);
                assertThat(runner.deadLetters("parking")).isEmpty();
                assertThat(runner.status("parking").deadLetters()).isZero();
                assertThat(balances.centsOf("account-7")).isEqualTo(21);
                assertThat(balances.total()).isEqualTo(1_001);
            }
        }

        @Test
        void a_replay_that_fails_again_keeps_the_stream_parked_from_that_event() {
            // given
            AtomicInteger poisonVersion = new AtomicInteger(2);
            var balances = new Balances();
            Projection projection = Projection.builder("replaying")
                .on("MoneyDeposited", (event, context) -> {
                    if (event.version() >= poisonVersion.get()) {
                        throw new IllegalArgumentException("poison");
                    }
                    balances.handle(event, context);
                }).build();
            store.append("account-1", ExpectedVersion.any(), List.of(deposited(1), deposited(2), deposited(3),
                deposited(4)));
            try (var runner = runner().errorPolicy(ErrorPolicy.retryThenPark(0, Duration.ofMillis(1)))
                .register(projection).build()) {
                runner.start();
                runner.awaitPosition("replaying", store.headPosition(), WAIT);
                // when
                poisonVersion.set(4);
                int replayed = runner.replayDeadLetters("replaying");
                // then
                assertThat(replayed).isEqualTo(2);
                assertThat(runner.deadLetters("replaying")).extracting(DeadLetter::version).containsExactly(4L);
                assertThat(balances.centsOf("account-1")).isEqualTo(6);
            }
        }
    }

    @Nested
    class Bounds {

        @Test
        void stops_after_a_given_position() {
            // given
            TestEvents.fill(store, 2, 10);
            var balances = ReadModel.of(Balances::new);
            try (var runner = runner().register(balances).stopAt(LogPosition.of(4)).build()) {
                // when
                runner.start();
                await().atMost(WAIT).until(() -> runner.status("balances").state() == ProjectionState.STOPPED);
                // then
                assertThat(balances.current().applied()).isEqualTo(4);
                assertThat(runner.status("balances").position()).isEqualTo(LogPosition.of(4));
            }
        }

        @Test
        void catch_up_builds_a_read_model_as_of_an_instant() {
            // given
            Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
            var timedStore = InMemoryEventStore.builder().clock(() -> now[0]).build();
            timedStore.append("account-1", ExpectedVersion.any(), List.of(deposited(100)));
            now[0] = now[0].plusSeconds(60);
            timedStore.append("account-1", ExpectedVersion.any(), List.of(deposited(20)));
            now[0] = now[0].plusSeconds(60);
            timedStore.append("account-1", ExpectedVersion.any(), List.of(deposited(3)));
            var asOf = ReadModel.of(Balances::new);
            // when
            ProjectionRunner.builder(timedStore).register(asOf).stopAt(Instant.parse("2026-01-01T00:01:30Z"))
                .build().catchUp();
            // then
            assertThat(asOf.current().centsOf("account-1")).isEqualTo(120);
        }
    }

    @Nested
    class Rebuilds {

        @Test
        void a_shadow_rebuild_swaps_in_a_fresh_copy_while_queries_keep_answering() throws Exception {
            // given
            long sum = TestEvents.fill(store, 10, 5_000).sum();
            var balances = ReadModel.of(Balances::new);
            try (var runner = runner().batchSize(100).register(balances).build()) {
                runner.start();
                runner.awaitPosition("balances", store.headPosition(), WAIT);
                Balances before = balances.current();
                AtomicBoolean sawPartial = new AtomicBoolean();
                AtomicBoolean querying = new AtomicBoolean(true);
                Thread reader = new Thread(() -> {
                    while (querying.get()) {
                        if (balances.current().total() < sum) {
                            sawPartial.set(true);
                        }
                    }
                });
                reader.start();
                // when
                ProjectionStatus rebuilt = runner.rebuild("balances", RebuildMode.SHADOW).get();
                querying.set(false);
                reader.join();
                // then
                assertThat(balances.current()).isNotSameAs(before);
                assertThat(balances.current().total()).isEqualTo(sum);
                assertThat(balances.current().applied()).isEqualTo(5_000);
                assertThat(sawPartial).isFalse();
                assertThat(rebuilt.state()).isEqualTo(ProjectionState.LIVE);
                // and it keeps following the log
                AppendResult after = store.append("account-1", ExpectedVersion.any(), List.of(deposited(1)));
                runner.awaitPosition("balances", last(after), WAIT);
                assertThat(balances.current().total()).isEqualTo(sum + 1);
            }
        }

        @Test
        void a_truncate_and_replay_rebuild_replays_the_log_into_an_empty_model() throws Exception {
            // given
            long sum = TestEvents.fill(store, 4, 800).sum();
            var balances = ReadModel.of(Balances::new);
            try (var runner = runner().batchSize(50).register(balances).build()) {
                runner.start();
                runner.awaitPosition("balances", store.headPosition(), WAIT);
                // when
                ProjectionStatus status = runner.rebuild("balances", RebuildMode.TRUNCATE_AND_REPLAY)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
                // then
                assertThat(status.state()).isEqualTo(ProjectionState.LIVE);
                assertThat(balances.current().total()).isEqualTo(sum);
                assertThat(balances.current().applied()).isEqualTo(800);
            }
        }

        @Test
        void a_shadow_rebuild_needs_a_read_model_or_tables() {
            // given
            Projection plain = Projection.builder("plain").on("MoneyDeposited", event -> { }).build();
            try (var runner = runner().register(plain).build()) {
                // when / then
                assertThatThrownBy(() -> runner.rebuild("plain", RebuildMode.SHADOW))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TRUNCATE_AND_REPLAY");
            }
        }
    }

    @Nested
    class Ownership {

        @Test
        void two_runners_sharing_a_checkpoint_store_apply_each_event_once_and_the_second_takes_over() {
            // given
            CheckpointStore shared = CheckpointStore.inMemory();
            AtomicInteger applied = new AtomicInteger();
            Set<java.util.UUID> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
            AtomicInteger duplicates = new AtomicInteger();
            Projection counting = Projection.builder("counting").on("MoneyDeposited", (RecordedEvent event) -> {
                applied.incrementAndGet();
                if (!seen.add(event.eventId())) {
                    duplicates.incrementAndGet();
                }
            }).build();
            TestEvents.fill(store, 5, 1_000);
            var first = runner().checkpoints(shared).leaseTimeout(Duration.ofMillis(300)).register(counting).build();
            var second = runner().checkpoints(shared).leaseTimeout(Duration.ofMillis(300)).register(counting)
                .build();
            try (first; second) {
                first.start();
                first.awaitPosition("counting", store.headPosition(), WAIT);
                second.start();
                await().atMost(WAIT).until(() -> second.status("counting").state() == ProjectionState.STANDBY);
                // when
                first.close();
                AppendResult more = store.append("account-9", ExpectedVersion.any(), List.of(deposited(1)));
                // then
                assertThat(second.awaitPosition("counting", last(more), WAIT)).isTrue();
                assertThat(applied.get()).isEqualTo(1_001);
                assertThat(duplicates.get()).isZero();
            }
        }
    }
}
