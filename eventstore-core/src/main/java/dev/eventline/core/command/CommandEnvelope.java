package dev.eventline.core.command;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.core.command.internal.MessageJson;
import java.util.Objects;

/**
 * A command in generic form, as it arrives over HTTP or a queue: its registered type name, its JSON body and its
 * metadata. {@link CommandBus#send(CommandEnvelope)} turns it into the registered record type.
 * <p>
 * The Java type is always looked up by {@code type} in the bus's registry; nothing in the JSON can pick a class.
 * <pre>{@code
 * bus.send(CommandEnvelope.of("Deposit", "{\"accountId\":\"a-1\",\"amount\":10}", metadata));
 * }</pre>
 *
 * @param type the command's registered type name, e.g. {@code "Deposit"}
 * @param data the command's body, a JSON object
 * @param metadata the command's metadata
 * @since 0.1
 */
public record CommandEnvelope(String type, JsonNode data, CommandMetadata metadata) {

    /** Validates every field. */
    public CommandEnvelope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metadata, "metadata");
    }

    /**
     * @param type the command's registered type name
     * @param json the command's body as JSON text
     * @param metadata the command's metadata
     * @return the envelope
     * @throws dev.eventline.core.ValidationException when {@code json} is not well-formed JSON
     */
    public static CommandEnvelope of(String type, String json, CommandMetadata metadata) {
        Objects.requireNonNull(type, "type");
        return new CommandEnvelope(type, MessageJson.defaults().parse(type, json), metadata);
    }
}
