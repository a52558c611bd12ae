package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.Violation;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.command.BankDomain.AccountCommand;
import dev.eventline.core.command.BankDomain.DepositMoney;
import dev.eventline.core.command.BankDomain.MoneyDeposited;
import dev.eventline.core.command.BankDomain.OpenAccount;
import dev.eventline.core.metrics.BusMetrics;
import dev.eventline.core.metrics.MicrometerBusMetrics;
import dev.eventline.core.query.QueryBus;
import dev.eventline.core.query.QueryOptions;
import dev.eventline.core.query.ReadModelProgress;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The README's "wiring both buses" snippet, compiled and run. */
class BusWiringExampleTest {

    record GetBalance(String accountId) {
    }

    private final EventStore store = EventStore.inMemory();
    private final AggregateRepository<AccountCommand, BankDomain.AccountEvent, BankDomain.Account> accounts =
        AggregateRepository.builder(store, BankDomain.ACCOUNT, BankDomain.SERIALIZER).build();
    private final Map<String, BigDecimal> balances = new ConcurrentHashMap<>();
    private final AtomicReference<LogPosition> checkpoint = new AtomicReference<>(LogPosition.START);

    @Test
    void a_host_wires_both_buses_sends_a_command_and_reads_its_own_write() throws Exception {
        BusMetrics metrics = MicrometerBusMetrics.of(new SimpleMeterRegistry());
        ReadModelProgress progress = readModel -> checkpoint.get(); // e.g. the projection runner's checkpoint
        Thread projector = startProjector();
        try {
            // README:start
            var commands = CommandBus.builder()
                .handle("OpenAccount", OpenAccount.class,
                    CommandHandlers.fromRepository(accounts, OpenAccount::accountId))
                .handle("DepositMoney", DepositMoney.class,
                    CommandHandlers.fromRepository(accounts, DepositMoney::accountId))
                .middleware(                                   // first = outermost
                    new LoggingMiddleware(),                   // correlation id in the MDC
                    new MetricsMiddleware(metrics),            // latency and outcome per command type
                    AuthorizationMiddleware.builder()          // deny by default
                        .allow(AccountCommand.class, AuthorizationPolicy.authenticated()).build(),
                    ValidationMiddleware.builder()
                        .validate(DepositMoney.class, d -> d.amount().signum() > 0 ? List.of()
                            : List.of(new Violation("amount", "must be positive"))).build(),
                    IdempotencyMiddleware.inMemory())          // command id = idempotency key
                .build();
            var queries = QueryBus.builder()
                .handle("GetBalance", GetBalance.class, "account_balance",
                    (query, context) -> balances.get(query.accountId()))
                .readModelProgress(progress)   // enables the 60 s cache (dropped when the read model moves)
                .metrics(metrics)
                .middleware(new LoggingMiddleware(), new MetricsMiddleware(metrics),
                    AuthorizationMiddleware.builder()
                        .allow(GetBalance.class, AuthorizationPolicy.authenticated()).build())
                .build();

            var ada = CommandMetadata.empty().withPrincipal("ada");
            commands.send(new OpenAccount("a-1", "Ada"), ada.withCommandId("req-1"));
            CommandResult deposit = commands.send(CommandEnvelope.of("DepositMoney", // e.g. an HTTP body
                "{\"accountId\":\"a-1\",\"amount\":12.50}", ada.withCommandId("req-2")));
            BigDecimal balance = queries.ask(new GetBalance("a-1"),              // read your own write
                QueryOptions.consistentWith(deposit.lastPosition(), Duration.ofSeconds(5)).withPrincipal("ada"));
            // README:end

            assertThat(balance).isEqualByComparingTo("12.50");
            commands.close();
            queries.close();
        } finally {
            projector.interrupt();
            projector.join();
        }
    }

    /** Stands in for the projection runner: folds deposits into the balances and advances the checkpoint. */
    private Thread startProjector() {
        var thread = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (RecordedEvent event : store.readAll(checkpoint.get(), 100)) {
                    if (event.type().equals("MoneyDeposited")) {
                        var deposited = BankDomain.SERIALIZER.deserialize(event, MoneyDeposited.class);
                        balances.merge(deposited.accountId(), deposited.amount(), BigDecimal::add);
                    }
                    checkpoint.set(event.position());
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-projector");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
