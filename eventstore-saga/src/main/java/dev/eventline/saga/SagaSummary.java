package dev.eventline.saga;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A saga instance as listed by {@link SagaRunner#list}: status, times, reason and pending deadlines.
 *
 * @param sagaType the saga type's name
 * @param sagaId the instance's id
 * @param status where the instance is
 * @param startedAt when it was started
 * @param updatedAt when it last changed
 * @param reason why it is compensating, compensated or failed; null otherwise
 * @param deadlines the deadlines it is waiting for
 * @since 0.1
 */
public record SagaSummary(String sagaType, String sagaId, SagaStatus status, Instant startedAt, Instant updatedAt,
                          String reason, List<SagaDeadline> deadlines) {

    /** Checks the required fields and copies the list. */
    public SagaSummary {
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        deadlines = List.copyOf(deadlines);
    }
}
