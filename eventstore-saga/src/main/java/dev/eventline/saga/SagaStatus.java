package dev.eventline.saga;

/**
 * Where a saga instance is in its life.
 * <p>
 * {@link #RUNNING} and {@link #COMPENSATING} are active; {@link #COMPLETED} and {@link #COMPENSATED} are final;
 * {@link #FAILED} is parked: the instance stopped with a reason (a compensation was rejected, or processing kept
 * failing) and waits for an operator to {@link SagaRunner#retry(String, String) retry} it.
 *
 * @since 0.1
 */
public enum SagaStatus {
    /** Started and reacting to events, command outcomes and deadlines. */
    RUNNING,
    /** A step failed or timed out; the compensations of the completed steps are being sent, newest first. */
    COMPENSATING,
    /** Finished successfully. Final. */
    COMPLETED,
    /** Every completed step was compensated. Final. */
    COMPENSATED,
    /** Parked with a reason: a compensation was rejected or processing kept failing. Retryable. */
    FAILED;

    /** @return true for {@link #COMPLETED} and {@link #COMPENSATED}, which never change again */
    public boolean isFinal() {
        return this == COMPLETED || this == COMPENSATED;
    }

    /** @return true for {@link #RUNNING} and {@link #COMPENSATING}, which the runner still works on */
    public boolean isActive() {
        return this == RUNNING || this == COMPENSATING;
    }
}
