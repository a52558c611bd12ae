package dev.eventline.examples.bank.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bank's event type registry and serializer: Eventline's {@link EventTypes} and {@link EventSerializer},
 * with snake_case payloads (the same shape the API shows).
 * <p>
 * Thread-safety: immutable.
 */
public final class EventCodec {

    private final EventTypes types;
    private final EventSerializer serializer;

    /** @param kinds the aggregate kinds whose events are registered */
    public EventCodec(List<AggregateKind<?, ?, ?>> kinds) {
        EventTypes.Builder builder = EventTypes.builder();
        for (AggregateKind<?, ?, ?> kind : kinds) {
            kind.eventTypes().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(entry -> builder.register(entry.getKey(), entry.getValue()));
        }
        this.types = builder.build();
        ObjectMapper mapper = EventSerializer.defaultObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        this.serializer = EventSerializer.builder(types).objectMapper(mapper).build();
    }

    /** @return the serializer (also used by the repositories, for events and snapshots) */
    public EventSerializer serializer() {
        return serializer;
    }

    /**
     * @param event an event record
     * @param metadata the metadata to store with it
     * @return the appendable event (random id, current schema version)
     */
    public EventData encode(Object event, EventMetadata metadata) {
        return serializer.serialize(Objects.requireNonNull(event, "event"), metadata);
    }

    /**
     * @param recorded a stored event
     * @return the event record, or null when its type name is not registered
     */
    public Object decode(RecordedEvent recorded) {
        Object event = serializer.deserializeOrRaw(recorded);
        return event instanceof RecordedEvent ? null : event;
    }

    /**
     * @param typeName a stored type name
     * @return the record class, or null when unknown
     */
    public Class<?> classOf(String typeName) {
        return types.findJavaType(typeName).orElse(null);
    }

    /**
     * @param typeName a registered type name
     * @return its current schema version
     */
    public int currentVersion(String typeName) {
        return types.currentVersion(typeName);
    }

    /** @return every registered type name, sorted */
    public List<String> typeNames() {
        return types.names().stream().sorted().toList();
    }
}
