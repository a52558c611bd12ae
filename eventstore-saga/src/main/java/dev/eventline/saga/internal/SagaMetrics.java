package dev.eventline.saga.internal;

import java.time.Duration;

/** The runner's metric events, so that the runner never touches Micrometer classes when no registry is given. */
public interface SagaMetrics {

    /** Records nothing. */
    SagaMetrics NOOP = new SagaMetrics() {
    };

    /** @param sagaType the saga type whose instance started */
    default void started(String sagaType) {
    }

    /**
     * @param sagaType the saga type
     * @param status the final (or parked) status reached: COMPLETED, COMPENSATED or FAILED
     * @param duration from start to that status
     */
    default void ended(String sagaType, String status, Duration duration) {
    }

    /**
     * @param sagaType the saga type
     * @param compensation whether the command undid a step
     * @param accepted whether it was accepted
     */
    default void commandSent(String sagaType, boolean compensation, boolean accepted) {
    }

    /** @param sagaType the saga type whose instance will be retried after a failure */
    default void retried(String sagaType) {
    }

    /** @param sagaType the saga type whose deadline passed */
    default void deadlineFired(String sagaType) {
    }
}
