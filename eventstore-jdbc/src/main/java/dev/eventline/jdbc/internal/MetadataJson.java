package dev.eventline.jdbc.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.SerializationException;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * Stores {@link EventMetadata} as a small JSON object in a text column (null when empty, the common case).
 * Non-ASCII characters are escaped so that any Java string, even one PostgreSQL's text type could not hold,
 * round-trips exactly; the hash chain covers the decoded values, not this text.
 */
public final class MetadataJson {

    private static final JsonFactory FACTORY = JsonFactory.builder()
        .enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private MetadataJson() {
    }

    /**
     * @param metadata the metadata
     * @return its JSON text, or null when it is empty
     */
    public static String encode(EventMetadata metadata) {
        if (metadata.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter(64);
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            writeNullable(json, "correlationId", metadata.correlationId());
            writeNullable(json, "causationId", metadata.causationId());
            writeNullable(json, "principal", metadata.principal());
            writeNullable(json, "tenant", metadata.tenant());
            if (!metadata.extra().isEmpty()) {
                json.writeObjectFieldStart("extra");
                for (Map.Entry<String, String> entry : metadata.extra().entrySet()) {
                    json.writeStringField(entry.getKey(), entry.getValue());
                }
                json.writeEndObject();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new SerializationException("Encoding event metadata failed (" + e.getMessage() + ").", e);
        }
        return out.toString();
    }

    private static void writeNullable(JsonGenerator json, String field, String value) throws IOException {
        if (value != null) {
            json.writeStringField(field, value);
        }
    }

    /**
     * @param text the stored JSON text, or null
     * @return the metadata it encodes
     */
    public static EventMetadata decode(String text) {
        if (text == null) {
            return EventMetadata.empty();
        }
        String correlationId = null;
        String causationId = null;
        String principal = null;
        String tenant = null;
        Map<String, String> extra = Map.of();
        try (JsonParser json = FACTORY.createParser(text)) {
            expect(json.nextToken(), JsonToken.START_OBJECT, text);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "correlationId" -> correlationId = json.getText();
                    case "causationId" -> causationId = json.getText();
                    case "principal" -> principal = json.getText();
                    case "tenant" -> tenant = json.getText();
                    case "extra" -> {
                        expect(value, JsonToken.START_OBJECT, text);
                        TreeMap<String, String> entries = new TreeMap<>();
                        while (json.nextToken() == JsonToken.FIELD_NAME) {
                            String key = json.currentName();
                            json.nextToken();
                            entries.put(key, json.getText());
                        }
                        extra = entries;
                    }
                    default -> json.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new SerializationException("Stored event metadata is not valid JSON (text: " + text + "). The row "
                + "was changed outside Eventline; run verify() on its stream.", e);
        }
        return new EventMetadata(correlationId, causationId, principal, tenant, extra);
    }

    private static void expect(JsonToken actual, JsonToken expected, String text) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual + " in " + text);
        }
    }
}
