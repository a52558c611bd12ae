package dev.eventline.core;

/**
 * A stored event's type name is not registered, so it cannot become a Java object. Nothing is dropped: register
 * the type (or an upcaster that renames it), or read the event raw as a {@link RecordedEvent}.
 *
 * @since 0.1
 */
public final class UnknownEventTypeException extends SerializationException {

    private final String typeName;

    /**
     * @param typeName the unregistered type name
     * @param schemaVersion the schema version it was stored (or upcast) with
     */
    public UnknownEventTypeException(String typeName, int schemaVersion) {
        super("Unknown event type '" + typeName + "' (schema version " + schemaVersion + "): no Java type is registered "
            + "for it. Register it in EventTypes, add an upcaster that renames it, or read it raw.");
        this.typeName = typeName;
    }

    /** @return the unregistered type name */
    public String typeName() {
        return typeName;
    }
}
