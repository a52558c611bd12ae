package dev.eventline.core.command;

import dev.eventline.core.EventMetadata;
import java.util.Objects;

/**
 * What a {@link CommandHandler} and each {@link CommandMiddleware} know about the command being dispatched
 * besides its body: its type name, its id and its metadata.
 * <p>
 * {@code commandId} is the client's id from the metadata when there is one, else an id the bus generated for
 * this dispatch (so events always carry a causation id). Only a client-given id makes a command idempotent.
 *
 * @param commandType the command's registered type name, or its class's simple name when registered by class
 * @param commandId the command's id: the metadata's, or a fresh one
 * @param metadata the metadata the command was sent with
 * @since 0.1
 */
public record CommandContext(String commandType, String commandId, CommandMetadata metadata)
    implements MessageContext {

    /** Validates every field. */
    public CommandContext {
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(metadata, "metadata");
    }

    /** @return the metadata to put on the events this command appends */
    public EventMetadata eventMetadata() {
        return metadata.toEventMetadata(commandId);
    }

    /**
     * @param metadata the new metadata
     * @return a copy with that metadata (a middleware may add a principal or an entry)
     */
    public CommandContext withMetadata(CommandMetadata metadata) {
        return new CommandContext(commandType, commandId, metadata);
    }

    @Override
    public String messageType() {
        return commandType;
    }

    @Override
    public String principal() {
        return metadata.principal();
    }

    @Override
    public String tenant() {
        return metadata.tenant();
    }

    @Override
    public String correlationId() {
        return metadata.correlationId() != null ? metadata.correlationId() : commandId;
    }
}
