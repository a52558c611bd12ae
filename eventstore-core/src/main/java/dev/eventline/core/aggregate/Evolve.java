package dev.eventline.core.aggregate;

/**
 * An aggregate's state transition: the state after one more event.
 * <p>
 * Must be a pure function that never rejects an event: events are facts that already happened. Return a new
 * state (records) rather than mutating the old one, so snapshots and retries never see a half-changed state.
 *
 * @param <S> the state type
 * @param <E> the event type
 * @since 0.1
 */
@FunctionalInterface
public interface Evolve<S, E> {

    /**
     * @param state the state before the event
     * @param event the event
     * @return the state after the event
     */
    S evolve(S state, E event);
}
