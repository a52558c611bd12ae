package dev.eventline.saga;

/**
 * Starts a saga instance: turns the starting data (or event) into the initial state and sends the first commands.
 * <p>
 * Called once per instance. It must not block on I/O: send commands with {@link SagaContext#send}, which the
 * runner dispatches after the handler returns.
 *
 * @param <S> the saga's state type
 * @param <D> the type of the starting data or event payload
 * @since 0.1
 */
@FunctionalInterface
public interface SagaStartHandler<S, D> {

    /**
     * @param data the starting data or event payload
     * @param saga what the handler may do: send commands, schedule deadlines, complete, compensate
     * @return the initial state, never null
     */
    S start(D data, SagaContext saga);
}
