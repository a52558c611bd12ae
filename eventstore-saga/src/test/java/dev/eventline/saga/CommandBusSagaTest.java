package dev.eventline.saga;

import static dev.eventline.saga.TransferSagas.TRANSFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.EventStore;
import dev.eventline.core.command.CommandBus;
import dev.eventline.core.command.CommandMetadata;
import dev.eventline.core.command.CommandResult;
import dev.eventline.core.command.IdempotencyMiddleware;
import dev.eventline.saga.TestBank.Deposit;
import dev.eventline.saga.TestBank.Withdraw;
import dev.eventline.saga.TransferSagas.Transfer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sagas through the core {@link CommandBus}: the one-line adapter, and resends deduplicated by command id. */
class CommandBusSagaTest {

    private final Map<String, Long> balances = new ConcurrentHashMap<>(Map.of("alice", 100L, "bob", 0L));
    private final AtomicInteger handlerRuns = new AtomicInteger();

    private CommandResult withdraw(Withdraw command) {
        handlerRuns.incrementAndGet();
        balances.compute(command.account(), (account, balance) -> {
            if (balance == null || balance < command.amount()) {
                throw new IllegalStateException("insufficient funds in " + account);
            }
            return balance - command.amount();
        });
        return new CommandResult(command.account(), 1, List.of());
    }

    private CommandResult deposit(Deposit command) {
        handlerRuns.incrementAndGet();
        if (balances.computeIfPresent(command.account(), (account, balance) -> balance + command.amount()) == null) {
            throw new IllegalStateException("account " + command.account() + " does not exist");
        }
        return new CommandResult(command.account(), 1, List.of());
    }

    @Test
    void a_command_resent_after_a_crash_between_sending_and_recording_runs_its_handler_once() {
        // given: a bus with the idempotency middleware; the runner "crashes" once right after the deposit was sent
        CommandBus bus = CommandBus.builder()
            .middleware(IdempotencyMiddleware.inMemory())
            .handle(Withdraw.class, (command, context) -> withdraw(command))
            .handle(Deposit.class, (command, context) -> deposit(command))
            .build();
        var crashedOnce = new AtomicBoolean();
        SagaCommandDispatcher dispatcher = command -> bus.send(command.payload(),
            CommandMetadata.empty().withCommandId(command.commandId().toString()).withCorrelationId(command.sagaId()));
        try (SagaRunner runner = SagaRunner.builder(EventStore.inMemory(), command -> {
            dispatcher.dispatch(command);
            if (command.payload() instanceof Deposit && crashedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("crashed before recording the deposit");
            }
        }).register(TRANSFER).pollInterval(Duration.ofMillis(10)).retryBackoff(Duration.ofMillis(5),
            Duration.ofMillis(20)).transientFailures(e -> e.getMessage().startsWith("crashed")).build()) {
            runner.start();
            // when
            String id = runner.startSaga(TRANSFER, new Transfer("alice", "bob", 30));
            // then
            await().atMost(Duration.ofSeconds(20)).until(() ->
                runner.find(id).orElseThrow().status() == SagaStatus.COMPLETED);
        }
        assertThat(crashedOnce).isTrue();
        assertThat(handlerRuns).hasValue(2);
        assertThat(balances).containsEntry("alice", 70L).containsEntry("bob", 30L);
    }

    @Test
    void a_command_the_bus_rejects_is_compensated() {
        // given
        CommandBus bus = CommandBus.builder()
            .middleware(IdempotencyMiddleware.inMemory())
            .handle(Withdraw.class, (command, context) -> withdraw(command))
            .handle(Deposit.class, (command, context) -> deposit(command))
            .build();
        try (SagaRunner runner = SagaRunner.builder(EventStore.inMemory(), command -> bus.send(command.payload(),
                CommandMetadata.empty().withCommandId(command.commandId().toString())))
                .register(TRANSFER).pollInterval(Duration.ofMillis(10)).build()) {
            runner.start();
            // when
            String id = runner.startSaga(TRANSFER, new Transfer("alice", "nobody", 30));
            // then
            await().atMost(Duration.ofSeconds(20)).until(() ->
                runner.find(id).orElseThrow().status() == SagaStatus.COMPENSATED);
        }
        assertThat(balances).containsEntry("alice", 100L);
    }
}
