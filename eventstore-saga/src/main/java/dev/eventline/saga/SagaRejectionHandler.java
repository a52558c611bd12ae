package dev.eventline.saga;

/**
 * Reacts to a step's command being rejected. Without one, a rejection starts compensation.
 *
 * @param <S> the saga's state type
 * @since 0.1
 */
@FunctionalInterface
public interface SagaRejectionHandler<S> {

    /**
     * @param state the instance's current state
     * @param reason why the command was rejected (the exception's message)
     * @param saga what the handler may do: send commands, schedule deadlines, complete, compensate
     * @return the new state, never null
     */
    S handle(S state, String reason, SagaContext saga);
}
