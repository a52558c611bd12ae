package dev.eventline.core.serialization;

import dev.eventline.core.RecordedEvent;

/** Lets tests of other packages build stored events the way the serializer tests do. */
public final class EventSerializerTestAccess {

    private EventSerializerTestAccess() {
    }

    /**
     * @param type the stored type name
     * @param schemaVersion the stored schema version
     * @param json the stored payload
     * @return a stored event at version 1 of stream "account-1"
     */
    public static RecordedEvent recorded(String type, int schemaVersion, String json) {
        return EventSerializerTest.recorded(type, schemaVersion, json);
    }
}
