package dev.eventline.saga;

import static dev.eventline.saga.TransferSagas.APPROVAL_TIMEOUT;
import static dev.eventline.saga.TransferSagas.APPROVED_TRANSFER;
import static dev.eventline.saga.TransferSagas.TRANSFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import dev.eventline.saga.TestBank.Deposit;
import dev.eventline.saga.TransferSagas.Transfer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SagaRunner} must do on every {@link EventStore}: each store runs this suite on a fresh, empty
 * store per test.
 */
abstract class SagaRunnerContract {

    /**
     * @param clock the clock the store records with (the runner's clock too)
     * @return a fresh, empty store
     */
    protected abstract EventStore newStore(InstantSource clock);


    private static final Duration WAIT = Duration.ofSeconds(20);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private EventStore store;
    private final TestBank bank = new TestBank().open("alice", 100).open("bob", 50);
    private final List<SagaRunner> runners = new ArrayList<>();

    @BeforeEach
    void create_store() {
        store = newStore(clock);
    }

    @AfterEach
    void close_runners() {
        runners.forEach(SagaRunner::close);
    }

    private SagaRunner runner(SagaCommandDispatcher dispatcher, UnaryOperator<SagaRunner.Builder> settings) {
        var builder = SagaRunner.builder(store, dispatcher)
            .register(TRANSFER)
            .register(APPROVED_TRANSFER)
            .clock(clock)
            .pollInterval(Duration.ofMillis(10))
            .retryBackoff(Duration.ofMillis(5), Duration.ofMillis(50));
        SagaRunner runner = settings.apply(builder).build();
        runners.add(runner);
        runner.start();
        return runner;
    }

    private SagaRunner runner() {
        return runner(bank, builder -> builder);
    }

    private static SagaInstance awaitStatus(SagaRunner runner, String sagaId, SagaStatus status) {
        await().atMost(WAIT).until(() -> runner.find(sagaId).map(SagaInstance::status).orElse(null) == status);
        return runner.find(sagaId).orElseThrow();
    }

    @Test
    void a_transfer_moves_the_money_and_completes() {
        // given
        SagaRunner runner = runner();
        // when
        String id = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        // then
        SagaInstance instance = awaitStatus(runner, id, SagaStatus.COMPLETED);
        assertThat(bank.balance("alice")).isEqualTo(70);
        assertThat(bank.balance("bob")).isEqualTo(80);
        assertThat(instance.steps()).extracting(SagaStep::name, SagaStep::accepted)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("withdraw", true),
                org.assertj.core.groups.Tuple.tuple("deposit", true));
        assertThat(instance.deadlines()).isEmpty();
        assertThat(runner.list(TRANSFER.name(), SagaStatus.COMPLETED)).extracting(SagaSummary::sagaId)
            .containsExactly(id);
    }

    @Test
    void a_rejected_deposit_is_compensated_by_a_refund() {
        // given
        bank.open("carol", 0).close("carol");
        SagaRunner runner = runner();
        // when
        String id = runner.startSaga(TRANSFER, new Transfer("alice", "carol", 40));
        // then
        SagaInstance instance = awaitStatus(runner, id, SagaStatus.COMPENSATED);
        assertThat(bank.balance("alice")).isEqualTo(100);
        assertThat(bank.balance("carol")).isZero();
        assertThat(instance.reason()).contains("step 'deposit' rejected").contains("closed");
        assertThat(instance.steps()).extracting(SagaStep::name, SagaStep::compensation, SagaStep::accepted)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("withdraw", false, true),
                org.assertj.core.groups.Tuple.tuple("deposit", false, false),
                org.assertj.core.groups.Tuple.tuple("withdraw", true, true));
    }

    @Test
    void a_transfer_to_a_missing_account_ends_compensated_with_the_money_back() {
        // given
        SagaRunner runner = runner();
        // when
        String id = runner.startSaga(TRANSFER, new Transfer("alice", "nobody", 25));
        // then
        awaitStatus(runner, id, SagaStatus.COMPENSATED);
        assertThat(bank.balance("alice")).isEqualTo(100);
    }

    @Test
    void a_step_that_times_out_is_compensated_when_the_clock_passes_its_deadline() {
        // given
        SagaRunner runner = runner();
        append("requests", "TransferRequested",
            "{\"transferId\":\"t-9\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":20}");
        await().atMost(WAIT).until(() -> runner.find("t-9").map(i -> !i.deadlines().isEmpty()).orElse(false));
        assertThat(bank.balance("alice")).isEqualTo(80);
        // when
        clock.advance(APPROVAL_TIMEOUT.plusSeconds(1));
        // then
        SagaInstance instance = awaitStatus(runner, "t-9", SagaStatus.COMPENSATED);
        assertThat(instance.reason()).contains("deadline 'approval' passed");
        assertThat(bank.balance("alice")).isEqualTo(100);
        assertThat(bank.balance("bob")).isEqualTo(50);
    }

    @Test
    void a_deadline_survives_a_restart_and_fires_when_it_has_passed_meanwhile() {
        // given
        SagaRunner first = runner();
        append("requests", "TransferRequested",
            "{\"transferId\":\"t-9\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":20}");
        await().atMost(WAIT).until(() -> first.find("t-9").map(i -> !i.deadlines().isEmpty()).orElse(false));
        first.close();
        // when
        clock.advance(APPROVAL_TIMEOUT.multipliedBy(2));
        SagaRunner second = runner();
        // then
        awaitStatus(second, "t-9", SagaStatus.COMPENSATED);
        assertThat(bank.balance("alice")).isEqualTo(100);
    }

    @Test
    void a_runner_stopped_between_steps_finishes_the_saga_exactly_once_after_a_restart() {
        // given: the first runner withdraws, then the bank is unreachable for the deposit and the runner stops
        var crashed = new AtomicBoolean();
        SagaRunner first = runner(command -> {
            if (command.payload() instanceof Deposit) {
                crashed.set(true);
                throw new IllegalStateException("bank unreachable");
            }
            bank.dispatch(command);
        }, builder -> builder.transientFailures(e -> true).retryBackoff(Duration.ofHours(1), Duration.ofHours(1)));
        String id = first.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        await().atMost(WAIT).untilTrue(crashed);
        first.close();
        assertThat(bank.balance("alice")).isEqualTo(70);
        assertThat(bank.balance("bob")).isEqualTo(50);
        // when
        SagaRunner second = runner();
        // then
        awaitStatus(second, id, SagaStatus.COMPLETED);
        assertThat(bank.balance("alice")).isEqualTo(70);
        assertThat(bank.balance("bob")).isEqualTo(80);
        assertThat(bank.applications.values()).containsOnly(1).hasSize(2);
    }

    @Test
    void a_command_interrupted_by_close_is_not_a_rejection_and_the_saga_completes_after_a_restart() {
        // given: the deposit waits (as for a pooled connection) when the runner closes, and the interruption
        // surfaces as an exception the transient-failure test does not know (as HikariCP's "Interrupted during
        // connection acquisition" SQLException does)
        var sending = new CountDownLatch(1);
        SagaRunner first = runnerWhoseDepositWaitsUntilInterrupted(sending, e -> {
            Thread.currentThread().interrupt();
            return new IllegalStateException("Interrupted during connection acquisition", e);
        });
        String id = first.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        awaitLatch(sending);
        // when
        first.close();
        // then: nothing was recorded as rejected, and the next runner sends the deposit
        assertThat(first.find(id).orElseThrow().status()).isEqualTo(SagaStatus.RUNNING);
        SagaInstance instance = awaitStatus(runner(), id, SagaStatus.COMPLETED);
        assertThat(instance.steps()).extracting(SagaStep::name, SagaStep::accepted)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("withdraw", true),
                org.assertj.core.groups.Tuple.tuple("deposit", true));
        assertThat(bank.balance("alice")).isEqualTo(70);
        assertThat(bank.balance("bob")).isEqualTo(80);
    }

    @Test
    void a_command_failing_on_a_resource_closed_during_close_is_not_a_rejection() {
        // given: while the runner closes, the deposit fails on a closed pool, with no trace of the interruption
        var sending = new CountDownLatch(1);
        SagaRunner first = runnerWhoseDepositWaitsUntilInterrupted(sending,
            e -> new IllegalStateException("HikariDataSource (bank) has been closed."));
        String id = first.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        awaitLatch(sending);
        // when
        first.close();
        // then
        assertThat(first.find(id).orElseThrow().status()).isEqualTo(SagaStatus.RUNNING);
        awaitStatus(runner(), id, SagaStatus.COMPLETED);
        assertThat(bank.balance("alice")).isEqualTo(70);
        assertThat(bank.balance("bob")).isEqualTo(80);
    }

    /**
     * @param sending counted down when the deposit starts waiting
     * @param failure what the deposit throws when the runner's close interrupts its wait
     * @return a runner with a short close grace period whose deposits wait until interrupted
     */
    private SagaRunner runnerWhoseDepositWaitsUntilInterrupted(
        CountDownLatch sending, Function<InterruptedException, RuntimeException> failure) {
        return runner(command -> {
            if (command.payload() instanceof Deposit) {
                sending.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    throw failure.apply(e);
                }
            }
            bank.dispatch(command);
        }, builder -> builder.closeGracePeriod(Duration.ofMillis(50)));
    }

    @Test
    void close_lets_a_command_in_flight_finish_and_be_recorded_without_interrupting_it() {
        // given: a deposit that takes a while
        var sending = new CountDownLatch(1);
        var interrupted = new AtomicBoolean();
        SagaRunner first = runner(command -> {
            if (command.payload() instanceof Deposit) {
                sending.countDown();
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            bank.dispatch(command);
        }, builder -> builder);
        String id = first.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        awaitLatch(sending);
        // when
        first.close();
        // then: the deposit was applied and recorded; the next runner only completes the saga
        assertThat(interrupted).isFalse();
        assertThat(first.find(id).orElseThrow().steps()).extracting(SagaStep::name, SagaStep::accepted)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("withdraw", true),
                org.assertj.core.groups.Tuple.tuple("deposit", true));
        assertThat(bank.balance("bob")).isEqualTo(80);
        awaitStatus(runner(), id, SagaStatus.COMPLETED);
        assertThat(bank.received).hasSize(2);
        assertThat(bank.applications.values()).containsOnly(1);
    }

    @Test
    void a_storage_failure_is_never_a_rejection_even_when_not_retryable_the_saga_is_parked_and_resumable() {
        // given: the deposit fails on a closed pool; the store calls that non-retryable (no SQLState)
        var poolClosed = new AtomicBoolean(true);
        SagaRunner runner = runner(command -> {
            if (command.payload() instanceof Deposit && poolClosed.get()) {
                throw new StorageException("Appending to stream 'account-bob' failed (SQLState: , error:"
                    + " HikariDataSource (bank) has been closed.)", null, false, null);
            }
            bank.dispatch(command);
        }, builder -> builder.maxAttempts(3));
        String id = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        // when
        SagaInstance parked = awaitStatus(runner, id, SagaStatus.FAILED);
        // then: parked with the error, nothing compensated; a retry once the pool is back completes it
        assertThat(parked.reason()).contains("has been closed");
        assertThat(parked.steps()).extracting(SagaStep::name).containsExactly("withdraw");
        assertThat(bank.balance("alice")).isEqualTo(70);
        poolClosed.set(false);
        runner.retry(TRANSFER.name(), id);
        awaitStatus(runner, id, SagaStatus.COMPLETED);
        assertThat(bank.balance("bob")).isEqualTo(80);
    }

    @Test
    void a_command_failing_because_its_thread_was_interrupted_is_retried_not_compensated() {
        // given: the first deposit fails with an interruption the dispatcher wrapped, while the runner runs on
        var failedOnce = new AtomicBoolean();
        SagaRunner runner = runner(command -> {
            if (command.payload() instanceof Deposit && failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("Writing failed", new ClosedByInterruptException());
            }
            bank.dispatch(command);
        }, builder -> builder);
        // when
        String id = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        // then
        SagaInstance instance = awaitStatus(runner, id, SagaStatus.COMPLETED);
        assertThat(failedOnce).isTrue();
        assertThat(instance.steps()).extracting(SagaStep::accepted).containsExactly(true, true);
        assertThat(bank.balance("bob")).isEqualTo(80);
    }

    @Test
    void a_crash_after_sending_and_before_recording_resends_the_same_command_id_once_applied() {
        // given: the deposit reaches the bank, then the runner dies before recording it
        var crashed = new AtomicBoolean();
        SagaRunner first = runner(command -> {
            bank.dispatch(command);
            if (command.payload() instanceof Deposit) {
                crashed.set(true);
                throw new IllegalStateException("process killed after sending");
            }
        }, builder -> builder.transientFailures(e -> true).retryBackoff(Duration.ofHours(1), Duration.ofHours(1)));
        String id = first.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
        await().atMost(WAIT).untilTrue(crashed);
        first.close();
        // when
        SagaRunner second = runner();
        // then
        SagaInstance instance = awaitStatus(second, id, SagaStatus.COMPLETED);
        assertThat(bank.balance("alice")).isEqualTo(70);
        assertThat(bank.balance("bob")).isEqualTo(80);
        var depositIds = bank.received.stream().filter(c -> c.payload() instanceof Deposit)
            .map(SagaCommand::commandId).toList();
        assertThat(depositIds).hasSize(2).containsOnly(depositIds.get(0));
        assertThat(bank.applications.get(depositIds.get(0))).isEqualTo(1);
        assertThat(instance.steps()).filteredOn(step -> step.name().equals("deposit")).hasSize(1);
    }

    @Test
    void a_second_runner_reading_the_log_from_the_start_handles_no_event_twice() {
        // given
        SagaRunner first = runner();
        append("requests", "TransferRequested",
            "{\"transferId\":\"t-1\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":20}");
        append("approvals", "TransferApproved", "{\"transferId\":\"t-1\"}");
        SagaInstance done = awaitStatus(first, "t-1", SagaStatus.COMPLETED);
        first.close();
        // when: a runner with another checkpoint routes every event again
        SagaRunner second = runner(bank, builder -> builder.name("second"));
        await().atMost(WAIT).until(second::isCaughtUp);
        String id = second.startSaga(TRANSFER, new Transfer("bob", "alice", 1));
        awaitStatus(second, id, SagaStatus.COMPLETED);
        // then
        assertThat(second.find("t-1").orElseThrow().version()).isEqualTo(done.version());
        assertThat(bank.balance("alice")).isEqualTo(81);
        assertThat(bank.applications.values()).containsOnly(1);
    }

    @Test
    void a_failing_instance_is_parked_without_blocking_others_and_completes_when_retried() {
        // given
        bank.open("flaky", 10);
        var flakyDown = new AtomicBoolean(true);
        SagaRunner runner = runner(command -> {
            if (command.payload() instanceof Deposit deposit && deposit.account().equals("flaky")
                    && flakyDown.get()) {
                throw new IllegalStateException("flaky is down");
            }
            bank.dispatch(command);
        }, builder -> builder.transientFailures(e -> e instanceof IllegalStateException).maxAttempts(3));
        String stuck = runner.startSaga(TRANSFER, new Transfer("alice", "flaky", 10));
        String healthy = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 10));
        // when
        SagaInstance parked = awaitStatus(runner, stuck, SagaStatus.FAILED);
        // then
        assertThat(parked.reason()).contains("flaky is down");
        awaitStatus(runner, healthy, SagaStatus.COMPLETED);
        assertThat(runner.list(SagaStatus.FAILED)).extracting(SagaSummary::sagaId).containsExactly(stuck);
        // and when the cause is fixed
        flakyDown.set(false);
        runner.retry(TRANSFER.name(), stuck);
        awaitStatus(runner, stuck, SagaStatus.COMPLETED);
        assertThat(bank.balance("flaky")).isEqualTo(20);
        assertThat(bank.balance("alice")).isEqualTo(80);
    }

    @Test
    void a_rejected_compensation_fails_the_saga_and_a_retry_after_the_fix_compensates_it() {
        // given: the deposit is rejected, and so is the refund, because alice was closed meanwhile
        bank.open("carol", 0).close("carol");
        SagaRunner runner = runner(command -> {
            if (command.compensation()) {
                bank.close("alice");
            }
            bank.dispatch(command);
        }, builder -> builder);
        String id = runner.startSaga(TRANSFER, new Transfer("alice", "carol", 40));
        SagaInstance failed = awaitStatus(runner, id, SagaStatus.FAILED);
        assertThat(failed.reason()).isEqualTo("compensation of step 'withdraw' rejected: account alice is closed");
        assertThat(bank.balance("alice")).isEqualTo(60);
        // when
        SagaRunner fixed = runner(bank, builder -> builder.name("fixed"));
        runners.remove(runner);
        runner.close();
        bank.reopen("alice");
        fixed.retry(TRANSFER.name(), id);
        // then
        awaitStatus(fixed, id, SagaStatus.COMPENSATED);
        assertThat(bank.balance("alice")).isEqualTo(100);
    }

    @Test
    void a_hundred_concurrent_transfers_among_ten_accounts_keep_the_total_constant() throws Exception {
        // given
        var accounts = new TestBank();
        for (int i = 0; i < 10; i++) {
            accounts.open("acc-" + i, 100);
        }
        accounts.open("closed", 0).close("closed");
        SagaRunner runner = runner(accounts, builder -> builder.workerThreads(4));
        var random = new Random(42);
        var transfers = new ArrayList<Transfer>();
        for (int i = 0; i < 100; i++) {
            int from = random.nextInt(10);
            String to = i % 10 == 0 ? "closed" : "acc-" + ((from + 1 + random.nextInt(9)) % 10);
            transfers.add(new Transfer("acc-" + from, to, 1 + random.nextInt(60)));
        }
        // when
        ExecutorService clients = Executors.newFixedThreadPool(8);
        var ids = new ArrayList<Future<String>>();
        for (Transfer transfer : transfers) {
            ids.add(clients.submit(() -> runner.startSaga(TRANSFER, transfer)));
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        // then
        await().atMost(WAIT).until(() -> runner.list(TRANSFER.name()).stream()
            .filter(summary -> summary.status().isFinal()).count() == 100);
        for (Future<String> id : ids) {
            assertThat(runner.find(id.get()).orElseThrow().status()).isIn(SagaStatus.COMPLETED,
                SagaStatus.COMPENSATED);
        }
        assertThat(accounts.total()).isEqualTo(1000);
        assertThat(accounts.balance("closed")).isZero();
        for (int i = 0; i < 10; i++) {
            assertThat(accounts.balance("acc-" + i)).isNotNegative();
        }
        assertThat(runner.list(TRANSFER.name(), SagaStatus.COMPENSATED)).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void metrics_count_completions_and_compensations() {
        // given
        var registry = new SimpleMeterRegistry();
        SagaRunner runner = runner(bank, builder -> builder.meterRegistry(registry));
        // when
        String completed = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 1));
        String compensated = runner.startSaga(TRANSFER, new Transfer("alice", "nobody", 1));
        awaitStatus(runner, completed, SagaStatus.COMPLETED);
        awaitStatus(runner, compensated, SagaStatus.COMPENSATED);
        // then
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(registry.get("eventline.saga.started").tag("saga_type", "TransferSaga").counter().count())
                .isEqualTo(2);
            assertThat(registry.get("eventline.saga.ended").tags("saga_type", "TransferSaga", "status", "COMPLETED")
                .counter().count()).isEqualTo(1);
            assertThat(registry.get("eventline.saga.ended")
                .tags("saga_type", "TransferSaga", "status", "COMPENSATED").counter().count()).isEqualTo(1);
            assertThat(registry.get("eventline.saga.completion.ratio").tag("saga_type", "TransferSaga").gauge()
                .value()).isEqualTo(0.5);
            assertThat(registry.get("eventline.saga.instances").tags("saga_type", "TransferSaga", "status",
                "COMPLETED").gauge().value()).isEqualTo(1);
            assertThat(registry.get("eventline.saga.duration").tags("saga_type", "TransferSaga", "status",
                "COMPLETED").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void the_saga_stream_records_inputs_commands_and_status_for_audit() {
        // given
        SagaRunner runner = runner();
        // when
        String id = runner.startSaga(TRANSFER, "audit-1", new Transfer("alice", "bob", 5));
        awaitStatus(runner, id, SagaStatus.COMPLETED);
        // then
        List<RecordedEvent> records;
        try (var events = store.readStream("saga-TransferSaga-audit-1")) {
            records = events.toList();
        }
        assertThat(records).extracting(RecordedEvent::type).containsExactly("SagaInputReceived",
            "SagaInputHandled", "SagaInputHandled", "SagaInputHandled");
        assertThat(records.get(3).payloadAsString()).contains("\"status\":\"COMPLETED\"");
        assertThat(records.get(1).payloadAsString()).contains("\"command_type\":\"Withdraw\"");
        assertThat(records).allSatisfy(r -> assertThat(r.metadata().correlationId()).isEqualTo("audit-1"));
    }

    @Test
    void starting_the_same_saga_id_twice_with_the_same_data_starts_one_instance() {
        // given
        SagaRunner runner = runner();
        runner.startSaga(TRANSFER, "once", new Transfer("alice", "bob", 5));
        // when
        runner.startSaga(TRANSFER, "once", new Transfer("alice", "bob", 5));
        // then
        awaitStatus(runner, "once", SagaStatus.COMPLETED);
        assertThat(bank.balance("bob")).isEqualTo(55);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
            runner.startSaga(TRANSFER, "once", new Transfer("alice", "bob", 6))))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("already started with other data");
    }

    @Test
    void an_event_the_saga_cannot_read_is_skipped_and_later_events_still_reach_their_instances() {
        // given
        SagaRunner runner = runner();
        // when
        append("requests", "TransferRequested", "{\"transferId\":\"bad\",\"amount\":\"not a number\"}");
        append("requests", "TransferRequested",
            "{\"transferId\":\"good\",\"from\":\"alice\",\"to\":\"bob\",\"amount\":5}");
        append("approvals", "TransferApproved", "{\"transferId\":\"good\"}");
        // then
        awaitStatus(runner, "good", SagaStatus.COMPLETED);
        assertThat(runner.find("bad")).isEmpty();
        assertThat(bank.balance("bob")).isEqualTo(55);
    }

    @Test
    void a_handler_that_keeps_throwing_parks_its_instance_as_failed_with_the_error() {
        // given
        SagaType<Transfer> broken = SagaType.builder("Broken", Transfer.class)
            .startedBy(Transfer.class, (transfer, saga) -> {
                throw new IllegalStateException("bug in handler");
            })
            .build();
        var runner = SagaRunner.builder(store, bank).register(broken).register(TRANSFER).clock(clock)
            .pollInterval(Duration.ofMillis(10)).retryBackoff(Duration.ofMillis(5), Duration.ofMillis(20))
            .maxAttempts(3).build();
        runners.add(runner);
        runner.start();
        // when
        String id = runner.startSaga(broken, new Transfer("alice", "bob", 1));
        String other = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 1));
        // then
        assertThat(awaitStatus(runner, id, SagaStatus.FAILED).reason()).isEqualTo("bug in handler");
        awaitStatus(runner, other, SagaStatus.COMPLETED);
        assertThat(runner.list("Broken", SagaStatus.FAILED)).extracting(SagaSummary::reason)
            .containsExactly("bug in handler");
    }

    private static void awaitLatch(CountDownLatch latch) {
        await().atMost(WAIT).until(() -> latch.getCount() == 0);
    }

    private void append(String stream, String type, String json) {
        store.append(stream, ExpectedVersion.any(), List.of(EventData.of(type, json)));
    }
}
