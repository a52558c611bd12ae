package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.EventStore;
import dev.eventline.core.command.TestCommands.AccountCommand;
import dev.eventline.core.command.TestCommands.Deposit;
import dev.eventline.core.command.TestCommands.OpenAccount;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class IdempotencyMiddlewareTest {

    private final EventStore store = EventStore.inMemory();
    private final AtomicInteger handlerRuns = new AtomicInteger();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private CommandBus bus(IdempotencyMiddleware idempotency, CommandHandler<AccountCommand> inner) {
        return CommandBus.builder()
            .handle(AccountCommand.class, (command, context) -> {
                handlerRuns.incrementAndGet();
                return inner.handle(command, context);
            })
            .middleware(idempotency)
            .build();
    }

    private CommandBus bus() {
        return bus(IdempotencyMiddleware.inMemory(), TestCommands.appendingTo(store));
    }

    private static CommandMetadata id(String commandId) {
        return CommandMetadata.empty().withCommandId(commandId);
    }

    @Test
    void a_repeated_command_id_returns_the_first_result_and_appends_nothing() {
        // given
        var bus = bus();
        var first = bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1"));
        // when
        var second = bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1"));
        // then
        assertThat(second).isEqualTo(first);
        assertThat(handlerRuns).hasValue(1);
        assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
    }

    @Test
    void the_same_id_with_another_body_or_type_is_a_typed_conflict_and_runs_nothing() {
        // given
        var bus = bus();
        bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1"));
        // when
        var otherBody = catchThrowable(() -> bus.send(new Deposit("a-1", BigDecimal.ONE), id("c-1")));
        var otherType = catchThrowable(() -> bus.send(new OpenAccount("a-1", "Ada"), id("c-1")));
        // then
        assertThat(otherBody).isInstanceOfSatisfying(CommandIdConflictException.class, e -> {
            assertThat(e.key()).isEqualTo(new IdempotencyKey(null, "c-1"));
            assertThat(e.isRetryable()).isFalse();
        }).hasMessageContaining("Give each new command a new id");
        assertThat(otherType).isInstanceOf(CommandIdConflictException.class);
        assertThat(handlerRuns).hasValue(1);
        assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
    }

    @Test
    void commands_without_an_id_are_not_deduplicated() {
        var bus = bus();
        bus.send(new Deposit("a-1", BigDecimal.TEN));
        bus.send(new Deposit("a-1", BigDecimal.TEN));
        assertThat(store.streamVersion("account-a-1")).isEqualTo(2);
    }

    @Test
    void the_same_id_in_two_tenants_runs_twice() {
        var bus = bus();
        var first = bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1").withTenant("t1"));
        var second = bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1").withTenant("t2"));
        assertThat(second.version()).isEqualTo(first.version() + 1);
        assertThat(handlerRuns).hasValue(2);
    }

    @Test
    void a_failed_command_is_forgotten_so_the_client_can_retry_it_with_the_same_id() {
        // given
        var failures = new AtomicInteger(1);
        var appending = TestCommands.appendingTo(store);
        var bus = bus(IdempotencyMiddleware.inMemory(), (command, context) -> {
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("storage hiccup");
            }
            return appending.handle(command, context);
        });
        assertThat(catchThrowable(() -> bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1"))))
            .hasMessage("storage hiccup");
        // when
        var result = bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1"));
        // then
        assertThat(result.version()).isEqualTo(1);
        assertThat(handlerRuns).hasValue(2);
    }

    @Nested
    class Concurrency {

        @Test
        void two_concurrent_sends_of_one_id_run_the_handler_once_and_both_get_the_same_result() throws Exception {
            // given: the first send is held inside its handler
            var entered = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var appending = TestCommands.appendingTo(store);
            var bus = bus(IdempotencyMiddleware.inMemory(), (command, context) -> {
                entered.countDown();
                awaitLatch(release);
                return appending.handle(command, context);
            });
            Future<CommandResult> first = threads.submit(() -> bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1")));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            var secondThread = new AtomicReferenceThread();
            Future<CommandResult> second = threads.submit(() -> {
                secondThread.set(Thread.currentThread());
                return bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1"));
            });
            // when: the second send is parked waiting for the first, then the first finishes
            await().atMost(Duration.ofSeconds(5)).until(() -> secondThread.get() != null
                && secondThread.get().getState() == Thread.State.WAITING);
            release.countDown();
            // then
            assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(first.get(5, TimeUnit.SECONDS));
            assertThat(handlerRuns).hasValue(1);
            assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
        }

        @Test
        void many_racing_sends_of_one_id_append_once() throws Exception {
            // given
            var bus = bus();
            int senders = 8;
            var barrier = new CyclicBarrier(senders);
            var results = new ArrayList<Future<CommandResult>>();
            // when
            for (int i = 0; i < senders; i++) {
                results.add(threads.submit(() -> {
                    barrier.await(5, TimeUnit.SECONDS);
                    return bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-race"));
                }));
            }
            // then
            var distinct = new ArrayList<CommandResult>();
            for (var result : results) {
                distinct.add(result.get(5, TimeUnit.SECONDS));
            }
            assertThat(distinct).containsOnly(distinct.get(0));
            assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
            assertThat(handlerRuns).hasValue(1);
        }

        @Test
        void a_concurrent_send_of_the_same_id_with_another_body_is_a_conflict() throws Exception {
            var entered = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var appending = TestCommands.appendingTo(store);
            var bus = bus(IdempotencyMiddleware.inMemory(), (command, context) -> {
                entered.countDown();
                awaitLatch(release);
                return appending.handle(command, context);
            });
            var first = threads.submit(() -> bus.send(new Deposit("a-1", BigDecimal.TEN), id("c-1")));
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

            var thrown = catchThrowable(() -> bus.send(new Deposit("a-1", BigDecimal.ONE), id("c-1")));

            release.countDown();
            assertThat(thrown).isInstanceOf(CommandIdConflictException.class);
            assertThat(first.get(5, TimeUnit.SECONDS).version()).isEqualTo(1);
        }

        @Test
        void a_claim_held_by_another_process_is_reported_as_in_flight_and_retryable() throws Exception {
            // given: another process sharing the store has claimed the id
            var shared = InMemoryIdempotencyStore.create();
            var bus = bus(IdempotencyMiddleware.of(shared), TestCommands.appendingTo(store));
            var other = bus(IdempotencyMiddleware.of(shared), TestCommands.appendingTo(store));
            var deposit = new Deposit("a-1", BigDecimal.TEN);
            var entered = new CountDownLatch(1);
            var release = new CountDownLatch(1);
            var slow = bus(IdempotencyMiddleware.of(shared), (command, context) -> {
                entered.countDown();
                awaitLatch(release);
                return TestCommands.appendingTo(store).handle(command, context);
            });
            var first = threads.submit(() -> slow.send(deposit, id("c-1")));
            try {
                assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
                // when
                var thrown = catchThrowable(() -> other.send(deposit, id("c-1")));
                // then
                assertThat(thrown).isInstanceOfSatisfying(CommandInFlightException.class,
                    e -> assertThat(e.isRetryable()).isTrue());
            } finally {
                release.countDown();
            }
            assertThat(catchThrowable(() -> first.get(5, TimeUnit.SECONDS))).isNull();
            assertThat(bus.send(deposit, id("c-1")).version()).isEqualTo(1);
            assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
        }
    }

    @Nested
    class InMemoryStore {

        private final MutableClock clock = new MutableClock();
        private final CommandResult result = new CommandResult("s", 1, List.of());

        @Test
        void a_result_is_forgotten_after_its_ttl() {
            var store = InMemoryIdempotencyStore.builder().ttl(Duration.ofMinutes(10)).clock(clock).build();
            var key = new IdempotencyKey("t", "c-1");
            assertThat(store.claim(key, "f")).isInstanceOf(IdempotencyStore.Claim.Acquired.class);
            store.complete(key, "f", result);

            clock.advance(Duration.ofMinutes(9));
            assertThat(store.claim(key, "f")).isEqualTo(new IdempotencyStore.Claim.Completed("f", result));
            clock.advance(Duration.ofMinutes(1));
            assertThat(store.claim(key, "f")).isInstanceOf(IdempotencyStore.Claim.Acquired.class);
        }

        @Test
        void the_least_recently_used_results_are_evicted_beyond_the_bound_but_claims_in_progress_are_kept() {
            var store = InMemoryIdempotencyStore.builder().maxEntries(2).clock(clock).build();
            var inProgress = new IdempotencyKey(null, "running");
            store.claim(inProgress, "f");
            for (int i = 0; i < 5; i++) {
                var key = new IdempotencyKey(null, "c-" + i);
                store.claim(key, "f");
                store.complete(key, "f", result);
            }
            assertThat(store.size()).isEqualTo(2);
            assertThat(store.claim(inProgress, "f")).isEqualTo(new IdempotencyStore.Claim.InProgress("f"));
            assertThat(store.claim(new IdempotencyKey(null, "c-4"), "f")).isInstanceOf(
                IdempotencyStore.Claim.Completed.class);
            assertThat(store.claim(new IdempotencyKey(null, "c-0"), "f")).isInstanceOf(
                IdempotencyStore.Claim.Acquired.class);
        }
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test latch not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A holder for the thread of a task, visible across threads. */
    private static final class AtomicReferenceThread extends java.util.concurrent.atomic.AtomicReference<Thread> {
    }
}
