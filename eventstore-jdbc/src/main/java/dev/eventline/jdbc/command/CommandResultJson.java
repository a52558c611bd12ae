package dev.eventline.jdbc.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.core.command.CommandResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.UUID;

/**
 * Writes a {@link CommandResult} as JSON for the dedup table and reads it back exactly (payloads as base64, so
 * their bytes and thus checksums and equality survive). Field by field, so no Java type is ever read from JSON.
 */
final class CommandResultJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CommandResultJson() {
    }

    static String write(CommandResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("streamId", result.streamId());
        root.put("version", result.version());
        var events = root.putArray("events");
        for (RecordedEvent event : result.events()) {
            ObjectNode node = events.addObject();
            node.put("eventId", event.eventId().toString());
            node.put("streamId", event.streamId());
            node.put("version", event.version());
            node.put("commit", event.position().commit());
            node.put("position", event.position().position());
            node.put("recordedAt", event.recordedAt().toString());
            node.put("type", event.type());
            node.put("schemaVersion", event.schemaVersion());
            node.put("payload", Base64.getEncoder().encodeToString(event.payload()));
            node.put("checksum", event.checksum());
            ObjectNode metadata = node.putObject("metadata");
            metadata.put("correlationId", event.metadata().correlationId());
            metadata.put("causationId", event.metadata().causationId());
            metadata.put("principal", event.metadata().principal());
            metadata.put("tenant", event.metadata().tenant());
            ObjectNode extra = metadata.putObject("extra");
            event.metadata().extra().forEach(extra::put);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new SerializationException("Writing the result of a command to the dedup table failed ("
                + e.getOriginalMessage() + "). This is a bug; please report it.", e);
        }
    }

    static CommandResult read(String json) {
        try {
            JsonNode root = MAPPER.readTree(json);
            var events = new ArrayList<RecordedEvent>();
            for (JsonNode node : root.required("events")) {
                JsonNode metadata = node.required("metadata");
                var extra = new LinkedHashMap<String, String>();
                metadata.required("extra").fields().forEachRemaining(e -> extra.put(e.getKey(), e.getValue().asText()));
                events.add(new RecordedEvent(
                    UUID.fromString(node.required("eventId").asText()),
                    node.required("streamId").asText(),
                    node.required("version").asLong(),
                    new LogPosition(node.required("commit").asLong(), node.required("position").asLong()),
                    Instant.parse(node.required("recordedAt").asText()),
                    node.required("type").asText(),
                    node.required("schemaVersion").asInt(),
                    Base64.getDecoder().decode(node.required("payload").asText()),
                    new EventMetadata(text(metadata, "correlationId"), text(metadata, "causationId"),
                        text(metadata, "principal"), text(metadata, "tenant"), extra),
                    node.required("checksum").asText()));
            }
            return new CommandResult(root.required("streamId").asText(), root.required("version").asLong(), events);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SerializationException("A stored command result in the dedup table cannot be read (" + e
                .getMessage() + "). Delete the row to let the command id be used again, after checking what it "
                + "wrote.", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
