package dev.eventline.saga;

import java.util.Objects;
import java.util.UUID;

/**
 * A command a saga sends, with the deterministic id that makes resending it harmless.
 * <p>
 * {@code commandId} is a name-based UUID of (saga type, saga id, input, step): a runner that crashed after
 * sending and before recording sends the same command with the same id again, which an idempotent command bus
 * (for example the core idempotency middleware) answers with the first result.
 *
 * @param commandId the deterministic command id; pass it to the command bus as the command's id
 * @param sagaType the saga type's name
 * @param sagaId the saga instance's id; a good correlation id
 * @param step the step's name
 * @param compensation true when this command undoes a completed step
 * @param payload the command object built by the saga
 * @since 0.1
 */
public record SagaCommand(UUID commandId, String sagaType, String sagaId, String step, boolean compensation,
                          Object payload) {

    /** Checks that nothing is null. */
    public SagaCommand {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(payload, "payload");
    }
}
