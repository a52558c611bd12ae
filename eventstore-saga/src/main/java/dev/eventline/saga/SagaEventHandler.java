package dev.eventline.saga;

/**
 * Reacts to an event correlated with a running saga instance.
 *
 * @param <S> the saga's state type
 * @param <E> the event payload type
 * @since 0.1
 */
@FunctionalInterface
public interface SagaEventHandler<S, E> {

    /**
     * @param state the instance's current state
     * @param event the event's payload
     * @param saga what the handler may do: send commands, schedule deadlines, complete, compensate
     * @return the new state, never null
     */
    S handle(S state, E event, SagaContext saga);
}
