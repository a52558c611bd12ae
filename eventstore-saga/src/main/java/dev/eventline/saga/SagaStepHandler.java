package dev.eventline.saga;

/**
 * Reacts to a step's command being accepted, or to a deadline passing.
 *
 * @param <S> the saga's state type
 * @since 0.1
 */
@FunctionalInterface
public interface SagaStepHandler<S> {

    /**
     * @param state the instance's current state
     * @param saga what the handler may do: send commands, schedule deadlines, complete, compensate
     * @return the new state, never null
     */
    S handle(S state, SagaContext saga);
}
