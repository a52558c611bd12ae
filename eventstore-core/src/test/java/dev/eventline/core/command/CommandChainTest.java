package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.command.BankDomain.AccountCommand;
import dev.eventline.core.command.BankDomain.DepositMoney;
import dev.eventline.core.command.BankDomain.OpenAccount;
import dev.eventline.core.metrics.BusMetrics;
import dev.eventline.core.metrics.Outcome;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandChainTest {

    private final EventStore store = EventStore.inMemory();
    private final AggregateRepository<AccountCommand, BankDomain.AccountEvent, BankDomain.Account> accounts =
        AggregateRepository.builder(store, BankDomain.ACCOUNT, BankDomain.SERIALIZER).build();

    /** A middleware that records when it runs, before and after the rest of the chain. */
    private static CommandMiddleware recording(String name, List<String> trace) {
        return (command, context, next) -> {
            trace.add(name + ":before");
            try {
                return next.proceed(command, context);
            } finally {
                trace.add(name + ":after");
            }
        };
    }

    @Test
    void middleware_runs_in_registration_order_with_the_first_outermost() {
        // given
        var trace = Collections.synchronizedList(new ArrayList<String>());
        var bus = CommandBus.builder()
            .handle(OpenAccount.class, (command, context) -> {
                trace.add("handler");
                return CommandHandlers.fromRepository(accounts, OpenAccount::accountId).handle(command, context);
            })
            .middleware(recording("first", trace), recording("second", trace))
            .middleware(recording("third", trace))
            .build();
        // when
        bus.send(new OpenAccount("a-1", "Ada"));
        // then
        assertThat(trace).containsExactly("first:before", "second:before", "third:before", "handler",
            "third:after", "second:after", "first:after");
    }

    @Test
    void a_middleware_that_throws_stops_the_chain_before_later_middleware_and_the_handler() {
        var trace = new ArrayList<String>();
        var bus = CommandBus.builder()
            .handle(OpenAccount.class, (command, context) -> {
                trace.add("handler");
                return new CommandResult("x", 0, List.of());
            })
            .middleware(recording("outer", trace), (command, context, next) -> {
                throw new IllegalStateException("stop");
            }, recording("inner", trace))
            .build();

        assertThat(catchThrowable(() -> bus.send(new OpenAccount("a-1", "Ada")))).hasMessage("stop");
        assertThat(trace).containsExactly("outer:before", "outer:after");
    }

    @Test
    void a_decider_aggregate_becomes_a_handler_in_one_line_and_stamps_the_metadata() {
        // given
        var bus = CommandBus.builder()
            .handle(AccountCommand.class, CommandHandlers.fromRepository(accounts, AccountCommand::accountId))
            .build();
        // when
        bus.send(new OpenAccount("a-1", "Ada"));
        var result = bus.send(new DepositMoney("a-1", new BigDecimal("12.50")),
            CommandMetadata.empty().withCommandId("c-2").withPrincipal("ada"));
        // then
        assertThat(result.streamId()).isEqualTo(BankDomain.ACCOUNT.streamId("a-1"));
        assertThat(result.version()).isEqualTo(2);
        assertThat(result.events()).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo("MoneyDeposited");
            assertThat(event.metadata().causationId()).isEqualTo("c-2");
            assertThat(event.metadata().principal()).isEqualTo("ada");
        });
        assertThat(accounts.load("a-1").state().balance()).isEqualByComparingTo("12.50");
    }

    @Test
    void an_expected_version_in_the_metadata_reaches_the_repository() {
        var bus = CommandBus.builder()
            .handle(AccountCommand.class, CommandHandlers.fromRepository(accounts, AccountCommand::accountId))
            .build();
        bus.send(new OpenAccount("a-1", "Ada"));

        var thrown = catchThrowable(() -> bus.send(new DepositMoney("a-1", BigDecimal.ONE),
            CommandMetadata.empty().withExpectedVersion(ExpectedVersion.exactly(7))));

        assertThat(thrown).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(store.streamVersion(BankDomain.ACCOUNT.streamId("a-1"))).isEqualTo(1);
    }

    @Test
    void the_shipped_middleware_work_together_in_the_recommended_order() {
        // given
        var outcomes = Collections.synchronizedList(new ArrayList<String>());
        var metrics = new RecordingMetrics(outcomes);
        var bus = CommandBus.builder()
            .handle("OpenAccount", OpenAccount.class, CommandHandlers.fromRepository(accounts,
                OpenAccount::accountId))
            .handle("DepositMoney", DepositMoney.class, CommandHandlers.fromRepository(accounts,
                DepositMoney::accountId))
            .middleware(
                new LoggingMiddleware(),
                new MetricsMiddleware(metrics),
                AuthorizationMiddleware.builder()
                    .allow(OpenAccount.class, AuthorizationPolicy.authenticated())
                    .allow(DepositMoney.class, AuthorizationPolicy.principals("ada"))
                    .build(),
                ValidationMiddleware.builder()
                    .validate(DepositMoney.class, deposit -> deposit.amount().signum() > 0 ? List.of()
                        : List.of(new Violation("amount", "must be positive")))
                    .build(),
                IdempotencyMiddleware.inMemory(),
                RetryMiddleware.builder().retry(DepositMoney.class).build())
            .build();
        var ada = CommandMetadata.empty().withPrincipal("ada");
        bus.send(new OpenAccount("a-1", "Ada"), ada.withCommandId("c-1"));

        // when
        var unauthorized = catchThrowable(() -> bus.send(new DepositMoney("a-1", BigDecimal.TEN),
            ada.withPrincipal("eve").withCommandId("c-2")));
        var invalid = catchThrowable(() -> bus.send(new DepositMoney("a-1", BigDecimal.ZERO),
            ada.withCommandId("c-2")));
        var first = bus.send(new DepositMoney("a-1", BigDecimal.TEN), ada.withCommandId("c-2"));
        var repeat = bus.send(new DepositMoney("a-1", BigDecimal.TEN), ada.withCommandId("c-2"));

        // then: rejected commands wrote nothing and did not burn the command id
        assertThat(unauthorized).isInstanceOf(UnauthorizedException.class);
        assertThat(invalid).isInstanceOf(ValidationException.class);
        assertThat(repeat).isEqualTo(first);
        assertThat(store.streamVersion(BankDomain.ACCOUNT.streamId("a-1"))).isEqualTo(2);
        assertThat(outcomes).containsExactly("OpenAccount:success", "DepositMoney:unauthorized",
            "DepositMoney:invalid", "DepositMoney:success", "DepositMoney:success");
    }

    /** Records "type:outcome" of each command. */
    record RecordingMetrics(List<String> outcomes) implements BusMetrics {
        @Override
        public void commandCompleted(String commandType, Duration latency, Outcome outcome) {
            assertThat(latency.isNegative()).isFalse();
            outcomes.add(commandType + ":" + outcome.tag());
        }

        @Override
        public void queryCompleted(String queryType, Duration latency, Outcome outcome) {
            outcomes.add(queryType + ":" + outcome.tag());
        }

        @Override
        public void cacheHit(String queryType) {
            outcomes.add(queryType + ":hit");
        }

        @Override
        public void cacheMiss(String queryType) {
            outcomes.add(queryType + ":miss");
        }
    }
}
