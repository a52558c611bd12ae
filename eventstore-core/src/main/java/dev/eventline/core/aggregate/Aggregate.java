package dev.eventline.core.aggregate;

import java.util.List;
import java.util.Objects;

/**
 * An aggregate type as a decider: a name, an initial state and two pure functions.
 * <p>
 * The name prefixes stream ids ({@link #streamId(String)}); {@code stateType} lets snapshots read the state back;
 * {@code stateRevision} is bumped whenever the state's shape changes, so that older snapshots are ignored instead
 * of mis-read. Nothing here depends on Eventline types: {@code decide} and {@code evolve} are usually static
 * methods on the user's state record.
 * <p>
 * Thread-safety: immutable; safe for concurrent use when the functions are pure.
 * <pre>{@code
 * static final Aggregate<AccountCommand, AccountEvent, Account> ACCOUNT =
 *     Aggregate.of("account", Account.class, Account.EMPTY, Account::decide, Account::evolve);
 * }</pre>
 *
 * @param type the aggregate type name, used as stream id prefix
 * @param stateType the state's class, for reading snapshots
 * @param initialState the state before the first event
 * @param decide turns a command and the state into events
 * @param evolve folds one event into the state
 * @param stateRevision the revision of the state's shape, {@code >= 1}
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 * @since 0.1
 */
public record Aggregate<C, E, S>(String type, Class<S> stateType, S initialState, Decide<C, S, E> decide,
                                 Evolve<S, E> evolve, int stateRevision) {

    /** Validates every field. */
    public Aggregate {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(initialState, "initialState");
        Objects.requireNonNull(decide, "decide");
        Objects.requireNonNull(evolve, "evolve");
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank (type: '" + type + "')");
        }
        if (!stateType.isInstance(initialState)) {
            throw new IllegalArgumentException("initialState must be a " + stateType.getName() + " (initialState: "
                + initialState.getClass().getName() + ")");
        }
        if (stateRevision < 1) {
            throw new IllegalArgumentException("stateRevision must be >= 1 (stateRevision: " + stateRevision + ")");
        }
    }

    /**
     * @param type the aggregate type name, used as stream id prefix (e.g. {@code "account"})
     * @param stateType the state's class
     * @param initialState the state before the first event
     * @param decide turns a command and the state into events
     * @param evolve folds one event into the state
     * @param <C> the command type
     * @param <E> the event type
     * @param <S> the state type
     * @return the aggregate at state revision 1
     */
    public static <C, E, S> Aggregate<C, E, S> of(String type, Class<S> stateType, S initialState,
                                                  Decide<C, S, E> decide, Evolve<S, E> evolve) {
        return new Aggregate<>(type, stateType, initialState, decide, evolve, 1);
    }

    /**
     * @param stateRevision the revision of the state's shape; bump it when the state record changes so that
     *     snapshots of the old shape are ignored
     * @return a copy with that revision
     */
    public Aggregate<C, E, S> withStateRevision(int stateRevision) {
        return new Aggregate<>(type, stateType, initialState, decide, evolve, stateRevision);
    }

    /**
     * @param id the aggregate's id
     * @return the id of its stream, {@code type + "-" + id}
     */
    public String streamId(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("id must not be empty (type: '" + type + "')");
        }
        return type + "-" + id;
    }

    /**
     * @param state the state to start from
     * @param events the events to fold in, in order
     * @return the state after all {@code events}
     */
    public S fold(S state, List<? extends E> events) {
        S current = state;
        for (E event : events) {
            current = evolve.evolve(current, event);
        }
        return current;
    }
}
