package dev.eventline.examples.bank.app;

import dev.eventline.core.aggregate.Aggregate;
import java.util.Map;
import java.util.Objects;

/**
 * One kind of aggregate of the bank: the library's {@link Aggregate} (decider and stream naming), its command
 * type, and the event type names it owns.
 *
 * @param aggregate the decider, as Eventline's aggregate
 * @param commandType the sealed command interface
 * @param eventTypes the stored type names of its events
 * @param creationEvent the type name of the event that starts its stream
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 */
public record AggregateKind<C, E, S>(Aggregate<C, E, S> aggregate, Class<C> commandType,
                                     Map<String, Class<? extends E>> eventTypes, String creationEvent) {

    /** Validates the fields. */
    public AggregateKind {
        Objects.requireNonNull(aggregate, "aggregate");
        Objects.requireNonNull(commandType, "commandType");
        eventTypes = Map.copyOf(eventTypes);
        if (!eventTypes.containsKey(creationEvent)) {
            throw new IllegalArgumentException("creationEvent must be one of eventTypes (creationEvent: "
                + creationEvent + ")");
        }
    }

    /** @return the aggregate type name ({@code account}…) */
    public String name() {
        return aggregate.type();
    }

    /**
     * @param aggregateId the id the API uses
     * @return the stream holding its events ({@code account-acc-123})
     */
    public String streamId(String aggregateId) {
        return aggregate.streamId(aggregateId);
    }

    /**
     * @param eventTypeName a stored type name
     * @return true when this aggregate owns it
     */
    public boolean owns(String eventTypeName) {
        return eventTypes.containsKey(eventTypeName);
    }
}
