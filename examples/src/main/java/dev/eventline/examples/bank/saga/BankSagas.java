package dev.eventline.examples.bank.saga;

import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStoreException;
import dev.eventline.examples.bank.BankComponents;
import dev.eventline.examples.bank.account.Account;
import dev.eventline.examples.bank.account.AccountCommand;
import dev.eventline.examples.bank.app.BankService;
import dev.eventline.examples.bank.app.CommandRequest;
import dev.eventline.examples.bank.http.ApiException;
import dev.eventline.examples.bank.http.CommandTypes;
import dev.eventline.saga.SagaCommand;
import dev.eventline.saga.SagaRunner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Runs the bank's sagas: a {@link SagaRunner} on the bank's event store whose commands go through the bank's
 * command service, with the saga's command id as the idempotency id, so a command resent after a crash is
 * answered from the idempotency records instead of being applied twice.
 * <p>
 * Thread-safety: safe for concurrent use; {@link #close()} is idempotent.
 */
public final class BankSagas implements AutoCloseable {

    /**
     * Attempts before a saga whose commands keep failing transiently is parked: with the runner's doubling backoff
     * (capped at 30 s) this rides out about two minutes, longer than the 30 s after which the command service takes
     * over a command left in flight by a crash.
     */
    public static final int MAX_ATTEMPTS = 12;

    private final SagaRunner runner;

    private BankSagas(SagaRunner runner) {
        this.runner = runner;
    }

    /**
     * @param components the bank's wired parts
     * @return the sagas, not yet started
     */
    public static BankSagas create(BankComponents components) {
        Objects.requireNonNull(components, "components");
        BankService service = components.service();
        SagaRunner runner = SagaRunner.builder(components.store(), command -> send(service, command))
            .register(TransferSaga.TYPE)
            .name("bank")
            .maxAttempts(MAX_ATTEMPTS)
            .transientFailures(BankSagas::isTransient)
            .meterRegistry(components.metrics().registry())
            .pollInterval(Duration.ofMillis(100))
            .build();
        return new BankSagas(runner);
    }

    /** Starts following the log and running sagas. */
    public void start() {
        runner.start();
    }

    /** @return the runner, to start, find and list sagas */
    public SagaRunner runner() {
        return runner;
    }

    @Override
    public void close() {
        runner.close();
    }

    private static void send(BankService service, SagaCommand command) {
        AccountCommand payload = (AccountCommand) command.payload();
        String type = commandType(payload);
        String commandId = command.commandId().toString();
        var request = new CommandRequest(type, payload.accountId(), new CommandTypes.Parsed(Account.TYPE, payload),
            null, EventMetadata.empty().withCorrelationId(command.sagaId()).withCausationId(commandId), commandId,
            fingerprint(type, payload));
        try {
            service.execute(request);
        } catch (SQLException e) {
            throw new IdempotencyRecordsUnavailable(e);
        }
    }

    private static String commandType(AccountCommand command) {
        if (command instanceof AccountCommand.WithdrawMoney) {
            return "WithdrawMoney";
        } else if (command instanceof AccountCommand.DepositMoney) {
            return "DepositMoney";
        }
        throw new IllegalArgumentException("The transfer saga sends only WithdrawMoney and DepositMoney (command: "
            + command.getClass().getSimpleName() + ")");
    }

    /** The same command always has the same fingerprint, so its id is never refused as reused. */
    private static String fingerprint(String type, AccountCommand command) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(("saga\u001f" + type + "\u001f" + command)
                .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Busy or unavailable, not rejected: retry later. Business rules and missing accounts are rejections. */
    private static boolean isTransient(Throwable error) {
        if (error instanceof IdempotencyRecordsUnavailable) {
            return true;
        }
        if (error instanceof EventStoreException storeError) {
            return storeError.isRetryable();
        }
        return error instanceof ApiException api && (api.status() == 409 || api.status() >= 500);
    }

    /** The idempotency records could not be read or written; the command may be retried. */
    private static final class IdempotencyRecordsUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        IdempotencyRecordsUnavailable(SQLException cause) {
            super("The command idempotency records are unavailable: " + cause.getMessage(), cause);
        }
    }
}
