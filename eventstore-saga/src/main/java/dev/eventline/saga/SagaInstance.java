package dev.eventline.saga;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A saga instance in full, as folded from its stream by {@link SagaRunner#find}: status, state, every command it
 * sent with its outcome, its compensation stack and its deadlines.
 *
 * @param sagaType the saga type's name
 * @param sagaId the instance's id
 * @param status where the instance is
 * @param stateJson the current state as JSON text ({@code null} before the start was handled)
 * @param steps every command sent, in order, with its outcome
 * @param compensationStack the completed steps that would be compensated, newest first
 * @param deadlines the deadlines it is waiting for
 * @param reason why it is compensating, compensated or failed; null otherwise
 * @param startedAt when it was started
 * @param updatedAt when it last changed
 * @param version the version of its stream
 * @since 0.1
 */
public record SagaInstance(String sagaType, String sagaId, SagaStatus status, String stateJson, List<SagaStep> steps,
                           List<String> compensationStack, List<SagaDeadline> deadlines, String reason,
                           Instant startedAt, Instant updatedAt, long version) {

    /** Checks the required fields and copies the lists. */
    public SagaInstance {
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        steps = List.copyOf(steps);
        compensationStack = List.copyOf(compensationStack);
        deadlines = List.copyOf(deadlines);
    }
}
