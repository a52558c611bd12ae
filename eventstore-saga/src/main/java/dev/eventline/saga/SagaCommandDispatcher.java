package dev.eventline.saga;

/**
 * Sends a saga's commands: the seam between the saga runner and a command bus.
 * <p>
 * Return normally when the command was accepted. Throw when it was not: the runner's transient-failure test
 * (by default, an {@link dev.eventline.core.EventStoreException} whose {@code isRetryable()} is true) decides
 * whether the instance retries later with backoff, or whether the command was <em>rejected</em> (any other
 * exception, such as a business rule), which runs the step's rejection handler or starts compensation.
 * Never a rejection, whatever the test says: a {@link dev.eventline.core.StorageException} in the cause chain
 * (retryable or not: the storage failed, the command was not decided), a failure from an interrupted thread (flag
 * set, or an {@link InterruptedException}, {@link java.io.InterruptedIOException} or
 * {@link java.nio.channels.ClosedByInterruptException} in the cause chain), and any failure while the runner is
 * closing. Nothing is recorded for them; the command is sent again, with the same id, by a retry (the instance is
 * parked as FAILED after {@code maxAttempts}) or by the next runner.
 * <p>
 * Pass {@link SagaCommand#commandId()} on as the command's id so that a resend is deduplicated. With the core
 * command bus and its {@code IdempotencyMiddleware} the adapter is one line:
 * <pre>{@code
 * SagaCommandDispatcher dispatcher = command -> bus.send(command.payload(), CommandMetadata.empty()
 *     .withCommandId(command.commandId().toString()).withCorrelationId(command.sagaId()));
 * }</pre>
 * Thread-safety: called from several runner threads at once (never twice at once for one instance).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface SagaCommandDispatcher {

    /**
     * @param command the command, its deterministic id and where it comes from
     * @throws RuntimeException when the command was not accepted
     */
    void dispatch(SagaCommand command);
}
