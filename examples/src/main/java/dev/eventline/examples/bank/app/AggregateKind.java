package dev.eventline.examples.bank.app;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * One kind of aggregate of the bank: its decider and the event type names it owns.
 *
 * @param name the aggregate type name ({@code account}…)
 * @param commandType the sealed command interface
 * @param eventType the sealed event interface
 * @param stateType the state record
 * @param initial the state before the first event
 * @param decide the decider's decide function
 * @param evolve the decider's evolve function
 * @param eventTypes the stored type names of its events
 * @param creationEvent the type name of the event that creates it (must be first in its stream)
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 */
public record AggregateKind<C, E, S>(String name, Class<C> commandType, Class<E> eventType, Class<S> stateType,
                                     S initial, BiFunction<C, S, List<E>> decide, BiFunction<S, E, S> evolve,
                                     Map<String, Class<? extends E>> eventTypes, String creationEvent) {

    /** Validates the fields. */
    public AggregateKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(stateType, "stateType");
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(decide, "decide");
        Objects.requireNonNull(evolve, "evolve");
        eventTypes = Map.copyOf(eventTypes);
        if (!eventTypes.containsKey(creationEvent)) {
            throw new IllegalArgumentException("creationEvent must be one of eventTypes (creationEvent: "
                + creationEvent + ")");
        }
    }

    /**
     * @param eventTypeName a stored type name
     * @return true when this aggregate owns it
     */
    public boolean owns(String eventTypeName) {
        return eventTypes.containsKey(eventTypeName);
    }
}
