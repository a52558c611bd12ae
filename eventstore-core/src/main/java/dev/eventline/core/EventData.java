package dev.eventline.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event to append: its id, logical type name, schema version, JSON payload and metadata.
 * <p>
 * The id makes appends idempotent: appending an event whose id is already stored returns the first result
 * instead of writing it again. Most applications do not build {@code EventData} by hand but let
 * {@link dev.eventline.core.serialization.EventSerializer} turn their event records into it.
 * <p>
 * The payload is the UTF-8 JSON text exactly as it will be stored and hashed. The array is not copied, for
 * speed: do not modify it after handing it over.
 *
 * @param eventId the event's unique id
 * @param type the logical type name (never a Java class name), e.g. {@code "MoneyDeposited"}
 * @param schemaVersion the version of the payload's schema, {@code >= 1}
 * @param payload the UTF-8 JSON payload
 * @param metadata the event's metadata
 * @since 0.1
 */
public record EventData(UUID eventId, String type, int schemaVersion, byte[] payload, EventMetadata metadata) {

    /** Validates every field. */
    public EventData {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(metadata, "metadata");
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank (type: '" + type + "')");
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1 (schemaVersion: " + schemaVersion + ")");
        }
    }

    /**
     * @param type the logical type name
     * @param json the JSON payload
     * @return event data with a new time-ordered id ({@link EventIds#next()}), schema version 1 and no metadata
     */
    public static EventData of(String type, String json) {
        return new EventData(EventIds.next(), type, 1, json.getBytes(StandardCharsets.UTF_8), EventMetadata.empty());
    }

    /** @return the payload decoded as UTF-8 text */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /**
     * @param metadata the new metadata
     * @return a copy with that metadata
     */
    public EventData withMetadata(EventMetadata metadata) {
        return new EventData(eventId, type, schemaVersion, payload, metadata);
    }

    /**
     * @param eventId the new id
     * @return a copy with that id
     */
    public EventData withEventId(UUID eventId) {
        return new EventData(eventId, type, schemaVersion, payload, metadata);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventData that
            && eventId.equals(that.eventId) && type.equals(that.type) && schemaVersion == that.schemaVersion
            && Arrays.equals(payload, that.payload) && metadata.equals(that.metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, type, schemaVersion, Arrays.hashCode(payload), metadata);
    }

    @Override
    public String toString() {
        return "EventData[eventId=" + eventId + ", type=" + type + ", schemaVersion=" + schemaVersion
            + ", payload=" + payloadAsString() + ", metadata=" + metadata + "]";
    }
}
