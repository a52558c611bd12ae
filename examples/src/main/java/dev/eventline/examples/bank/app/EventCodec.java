package dev.eventline.examples.bank.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.examples.bank.http.Json;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns the bank's event records into stored events and back, by explicit type names.
 * <p>
 * Payloads are snake_case JSON (the same shape the API shows); a stored type name maps to exactly one record
 * class through the registry, and nothing read from storage picks a class by itself.
 * <p>
 * Thread-safety: immutable after construction.
 */
public final class EventCodec {

    private final ObjectMapper mapper = Json.mapper();
    private final Map<String, Class<?>> classes = new LinkedHashMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();

    /** @param kinds the aggregate kinds whose events are registered */
    public EventCodec(List<AggregateKind<?, ?, ?>> kinds) {
        for (AggregateKind<?, ?, ?> kind : kinds) {
            kind.eventTypes().forEach((name, type) -> {
                if (classes.put(name, type) != null) {
                    throw new IllegalArgumentException("event type name registered twice (name: " + name + ")");
                }
                names.put(type, name);
            });
        }
    }

    /**
     * @param event an event record
     * @param metadata the metadata to store with it
     * @param eventId the event's id
     * @return the appendable event
     */
    public EventData encode(Object event, EventMetadata metadata, UUID eventId) {
        String type = names.get(event.getClass());
        if (type == null) {
            throw new IllegalArgumentException("event class is not registered (class: "
                + event.getClass().getName() + ")");
        }
        try {
            return new EventData(eventId, type, 1, mapper.writeValueAsBytes(event), metadata);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event could not be serialized (type: " + type + ")", e);
        }
    }

    /**
     * @param recorded a stored event
     * @return the event record, or null when its type name is not registered
     */
    public Object decode(RecordedEvent recorded) {
        Class<?> type = classes.get(recorded.type());
        if (type == null) {
            return null;
        }
        try {
            return mapper.readValue(recorded.payload(), type);
        } catch (IOException e) {
            throw new SerializationException("Stored event " + recorded.streamId() + "@" + recorded.version()
                + " of type " + recorded.type() + " cannot be read as " + type.getSimpleName()
                + ". Register an upcaster for its schema version (" + recorded.schemaVersion() + ").", e);
        }
    }

    /**
     * @param typeName a stored type name
     * @return the record class, or null when unknown
     */
    public Class<?> classOf(String typeName) {
        return classes.get(typeName);
    }

    /** @return every registered type name */
    public List<String> typeNames() {
        return List.copyOf(classes.keySet());
    }
}
