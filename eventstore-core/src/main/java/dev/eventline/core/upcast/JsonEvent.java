package dev.eventline.core.upcast;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * An event on its way through the upcaster chain: its type name, schema version and JSON payload as a tree.
 * <p>
 * An {@link Upcaster} receives one at version n and returns one at version n+1, usually through
 * {@link #next(ObjectNode)} or {@link #next(String, ObjectNode)}. The payload tree is mutable: an upcaster may
 * change it in place and hand it on.
 * <p>
 * Thread-safety: confined to the thread that reads the event.
 *
 * @param type the logical type name
 * @param schemaVersion the payload's schema version, {@code >= 1}
 * @param payload the JSON payload (a JSON object)
 * @since 0.1
 */
public record JsonEvent(String type, int schemaVersion, ObjectNode payload) {

    /** Validates every field. */
    public JsonEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        if (type.isBlank()) {
            throw new IllegalArgumentException("type must not be blank (type: '" + type + "')");
        }
        if (schemaVersion < 1) {
            throw new IllegalArgumentException("schemaVersion must be >= 1 (schemaVersion: " + schemaVersion + ")");
        }
    }

    /**
     * @param newPayload the payload at the next schema version
     * @return the same type at {@code schemaVersion + 1} with {@code newPayload}
     */
    public JsonEvent next(ObjectNode newPayload) {
        return new JsonEvent(type, schemaVersion + 1, newPayload);
    }

    /**
     * @param newType the type name from the next schema version on
     * @param newPayload the payload at the next schema version
     * @return {@code newType} at {@code schemaVersion + 1} with {@code newPayload}
     */
    public JsonEvent next(String newType, ObjectNode newPayload) {
        return new JsonEvent(newType, schemaVersion + 1, newPayload);
    }
}
