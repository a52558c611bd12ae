package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.command.TestCommands.AccountCommand;
import dev.eventline.core.command.TestCommands.Deposit;
import dev.eventline.core.command.TestCommands.OpenAccount;
import dev.eventline.core.command.TestCommands.Withdraw;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

class MiddlewareTest {

    private final EventStore store = EventStore.inMemory();
    private final AtomicInteger handlerRuns = new AtomicInteger();

    private CommandHandler<AccountCommand> countingHandler() {
        var appending = TestCommands.appendingTo(store);
        return (command, context) -> {
            handlerRuns.incrementAndGet();
            return appending.handle(command, context);
        };
    }

    private CommandBus busWith(CommandMiddleware... middleware) {
        return CommandBus.builder().handle(AccountCommand.class, countingHandler()).middleware(middleware).build();
    }

    @Nested
    class Logging {

        // slf4j-simple's MDC is a no-op, so the tests give the middleware a working one.
        private final MDCAdapter mdc = new BasicMDCAdapter();
        private final LoggingMiddleware logging =
            new LoggingMiddleware(LoggerFactory.getLogger(MiddlewareTest.class), mdc);

        @Test
        void the_correlation_id_is_in_the_mdc_during_dispatch_and_removed_after() {
            // given
            var seen = new ArrayList<String>();
            var bus = CommandBus.builder()
                .handle(OpenAccount.class, (command, context) -> {
                    seen.add(mdc.get(LoggingMiddleware.CORRELATION_ID));
                    seen.add(mdc.get(LoggingMiddleware.COMMAND_ID));
                    seen.add(mdc.get(LoggingMiddleware.MESSAGE_TYPE));
                    return countingHandler().handle(command, context);
                })
                .middleware(logging)
                .build();
            // when
            bus.send(new OpenAccount("a-1", "Ada"), CommandMetadata.empty().withCorrelationId("corr-7")
                .withCommandId("cmd-7"));
            // then
            assertThat(seen).containsExactly("corr-7", "cmd-7", "OpenAccount");
            assertThat(mdc.get(LoggingMiddleware.CORRELATION_ID)).isNull();
            assertThat(mdc.get(LoggingMiddleware.COMMAND_ID)).isNull();
            assertThat(mdc.get(LoggingMiddleware.MESSAGE_TYPE)).isNull();
        }

        @Test
        void without_a_correlation_id_the_command_id_is_used_and_a_failure_still_clears_the_mdc() {
            // given
            var seen = new ArrayList<String>();
            var bus = CommandBus.builder()
                .handle(OpenAccount.class, (command, context) -> {
                    seen.add(mdc.get(LoggingMiddleware.CORRELATION_ID));
                    throw new IllegalStateException("boom");
                })
                .middleware(logging)
                .build();
            // when
            var thrown = catchThrowable(() -> bus.send(new OpenAccount("a-1", "Ada"),
                CommandMetadata.empty().withCommandId("cmd-8")));
            // then
            assertThat(thrown).isInstanceOf(IllegalStateException.class).hasMessage("boom");
            assertThat(seen).containsExactly("cmd-8");
            assertThat(mdc.get(LoggingMiddleware.CORRELATION_ID)).isNull();
        }

        @Test
        void an_outer_correlation_id_is_restored_after_a_nested_dispatch() {
            // given
            var bus = busWith(logging);
            mdc.put(LoggingMiddleware.CORRELATION_ID, "outer");
            try {
                // when
                bus.send(new OpenAccount("a-1", "Ada"), CommandMetadata.empty().withCorrelationId("inner"));
                // then
                assertThat(mdc.get(LoggingMiddleware.CORRELATION_ID)).isEqualTo("outer");
            } finally {
                mdc.remove(LoggingMiddleware.CORRELATION_ID);
            }
        }
    }

    @Nested
    class Validation {

        private final ValidationMiddleware validation = ValidationMiddleware.builder()
            .validate(AccountCommand.class, command -> command.accountId().isBlank()
                ? List.of(new Violation("accountId", "must not be blank")) : List.of())
            .validate(Deposit.class, deposit -> deposit.amount().signum() > 0 ? List.of()
                : List.of(new Violation("amount", "must be positive (amount: " + deposit.amount() + ")")))
            .build();

        @Test
        void a_rejected_command_lists_every_violation_and_the_handler_never_runs() {
            // given
            var bus = busWith(validation);
            // when
            var thrown = catchThrowable(() -> bus.send(new Deposit(" ", new BigDecimal("-5"))));
            // then
            assertThat(thrown).isInstanceOfSatisfying(ValidationException.class, e -> {
                assertThat(e.messageType()).isEqualTo("Deposit");
                assertThat(e.violations()).containsExactly(new Violation("accountId", "must not be blank"),
                    new Violation("amount", "must be positive (amount: -5)"));
                assertThat(e.isRetryable()).isFalse();
            }).hasMessageContaining("Correct the listed fields");
            assertThat(handlerRuns).hasValue(0);
            assertThat(store.headPosition().position()).isZero();
        }

        @Test
        void a_valid_command_and_a_type_without_validators_pass() {
            var bus = busWith(validation);
            bus.send(new Deposit("a-1", BigDecimal.TEN));
            bus.send(new Withdraw("a-1", new BigDecimal("-1")));
            assertThat(handlerRuns).hasValue(2);
        }
    }

    @Nested
    class Authorization {

        private final AuthorizationMiddleware authorization = AuthorizationMiddleware.builder()
            .allow(OpenAccount.class, AuthorizationPolicy.authenticated())
            .allow(Withdraw.class, (principal, withdraw, context) -> "ada".equals(principal)
                && withdraw.amount().compareTo(new BigDecimal("1000")) <= 0)
            .build();

        @Test
        void a_command_type_without_a_rule_is_denied_and_nothing_is_written() {
            var bus = busWith(authorization);
            var thrown = catchThrowable(() -> bus.send(new Deposit("a-1", BigDecimal.TEN),
                CommandMetadata.empty().withPrincipal("ada")));
            assertThat(thrown).isInstanceOfSatisfying(UnauthorizedException.class, e -> {
                assertThat(e.principal()).isEqualTo("ada");
                assertThat(e.messageType()).isEqualTo("Deposit");
            }).hasMessageContaining("denies by default").hasMessageContaining(".allow(Deposit.class, policy)");
            assertThat(handlerRuns).hasValue(0);
            assertThat(store.headPosition().position()).isZero();
        }

        @Test
        void the_policy_sees_the_principal_from_the_metadata_and_the_command() {
            var bus = busWith(authorization);
            var asAda = CommandMetadata.empty().withPrincipal("ada");
            var asBob = CommandMetadata.empty().withPrincipal("bob");

            assertThat(bus.send(new Withdraw("a-1", BigDecimal.ONE), asAda).version()).isEqualTo(1);
            assertThat(catchThrowable(() -> bus.send(new Withdraw("a-1", BigDecimal.ONE), asBob)))
                .isInstanceOf(UnauthorizedException.class);
            assertThat(catchThrowable(() -> bus.send(new Withdraw("a-1", new BigDecimal("5000")), asAda)))
                .isInstanceOf(UnauthorizedException.class);
            assertThat(catchThrowable(() -> bus.send(new OpenAccount("a-2", "Bob"))))
                .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.principal()).isNull());
            assertThat(handlerRuns).hasValue(1);
        }
    }

    @Nested
    class Retry {

        private final List<Duration> sleeps = new ArrayList<>();

        private RetryMiddleware.Builder retry() {
            return RetryMiddleware.builder().sleeper(sleeps::add).backoff(Duration.ofMillis(10), Duration.ofMillis(25));
        }

        private CommandBus busFailing(int conflicts, RuntimeException failure, CommandMiddleware middleware) {
            var attempts = new AtomicInteger();
            return CommandBus.builder()
                .handle(AccountCommand.class, (command, context) -> {
                    if (attempts.incrementAndGet() <= conflicts) {
                        handlerRuns.incrementAndGet();
                        throw failure;
                    }
                    return countingHandler().handle(command, context);
                })
                .middleware(middleware)
                .build();
        }

        private final ConcurrencyConflictException conflict =
            new ConcurrencyConflictException("account-a-1", ExpectedVersion.exactly(1), 2, 1);

        @Test
        void a_conflict_of_a_retryable_type_is_retried_until_it_succeeds_with_bounded_jittered_pauses() {
            // given
            var bus = busFailing(2, conflict, retry().retry(Deposit.class).maxAttempts(3).build());
            // when
            var result = bus.send(new Deposit("a-1", BigDecimal.ONE));
            // then
            assertThat(result.version()).isEqualTo(1);
            assertThat(handlerRuns).hasValue(3);
            assertThat(sleeps).hasSize(2);
            assertThat(sleeps.get(0)).isBetween(Duration.ZERO, Duration.ofMillis(10));
            assertThat(sleeps.get(1)).isBetween(Duration.ZERO, Duration.ofMillis(20));
        }

        @Test
        void the_backoff_bound_doubles_and_is_capped() {
            var middleware = retry().build();
            assertThat(middleware.backoffBound(1)).isEqualTo(Duration.ofMillis(10));
            assertThat(middleware.backoffBound(2)).isEqualTo(Duration.ofMillis(20));
            assertThat(middleware.backoffBound(3)).isEqualTo(Duration.ofMillis(25));
            assertThat(middleware.backoffBound(64)).isEqualTo(Duration.ofMillis(25));
        }

        @Test
        void the_last_conflict_is_thrown_when_attempts_run_out() {
            var bus = busFailing(10, conflict, retry().retry(Deposit.class).maxAttempts(4).build());
            assertThat(catchThrowable(() -> bus.send(new Deposit("a-1", BigDecimal.ONE)))).isSameAs(conflict);
            assertThat(handlerRuns).hasValue(4);
        }

        @Test
        void types_not_registered_other_failures_and_explicit_expected_versions_are_not_retried() {
            var middleware = retry().retry(Deposit.class).maxAttempts(5).build();

            assertThat(catchThrowable(() -> busFailing(1, conflict, middleware)
                .send(new Withdraw("a-1", BigDecimal.ONE)))).isSameAs(conflict);
            var other = new IllegalStateException("not a conflict");
            assertThat(catchThrowable(() -> busFailing(1, other, middleware)
                .send(new Deposit("a-1", BigDecimal.ONE)))).isSameAs(other);
            assertThat(catchThrowable(() -> busFailing(1, conflict, middleware).send(new Deposit("a-1",
                BigDecimal.ONE), CommandMetadata.empty().withExpectedVersion(ExpectedVersion.exactly(1)))))
                .isSameAs(conflict);
            assertThat(handlerRuns).hasValue(3);
            assertThat(sleeps).isEmpty();
        }

        @Test
        void racing_writers_on_one_stream_all_succeed_through_retries() throws Exception {
            // given: each handler appends at the version it read, so concurrent sends conflict
            var bus = CommandBus.builder()
                .handle(Deposit.class, CommandHandlers.forStream(d -> "account-" + d.accountId(),
                    (streamId, command, context) -> {
                        long version = store.streamVersion(streamId);
                        Thread.yield();
                        return store.append(streamId, ExpectedVersion.exactly(version),
                            List.of(dev.eventline.core.EventData.of("Deposited", "{}")));
                    }))
                .middleware(RetryMiddleware.builder().retry(Deposit.class).maxAttempts(50).build())
                .build();
            var threads = new ArrayList<Thread>();
            var failures = new AtomicInteger();
            // when
            for (int i = 0; i < 4; i++) {
                var thread = new Thread(() -> {
                    for (int n = 0; n < 25; n++) {
                        try {
                            bus.send(new Deposit("a-1", BigDecimal.ONE));
                        } catch (ConcurrencyConflictException e) {
                            failures.incrementAndGet();
                        }
                    }
                });
                thread.start();
                threads.add(thread);
            }
            for (var thread : threads) {
                thread.join();
            }
            // then
            assertThat(failures).hasValue(0);
            assertThat(store.streamVersion("account-a-1")).isEqualTo(100);
        }
    }
}
