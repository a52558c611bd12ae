package dev.eventline.core.aggregate;

import java.util.List;

/**
 * An aggregate's decision: given a command and the current state, the events that happen (possibly none).
 * <p>
 * Must be a pure function of its arguments: the repository may run it several times when it retries after a
 * concurrency conflict. Business rule violations are signalled by throwing any {@link RuntimeException}; nothing
 * is appended then.
 * <pre>{@code
 * Decide<AccountCommand, Account, AccountEvent> decide = (command, state) -> List.of(...);
 * }</pre>
 *
 * @param <C> the command type
 * @param <S> the state type
 * @param <E> the event type
 * @since 0.1
 */
@FunctionalInterface
public interface Decide<C, S, E> {

    /**
     * @param command the command to decide on
     * @param state the aggregate's current state
     * @return the events to append, in order; empty for "nothing happens"
     */
    List<E> decide(C command, S state);
}
