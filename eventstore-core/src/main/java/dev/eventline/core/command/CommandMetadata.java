package dev.eventline.core.command;

import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What travels with a command besides its body: its id, correlation id, principal, tenant, an optional expected
 * version and free entries.
 * <p>
 * Every field except {@code extra} may be {@code null} (absent). The {@code commandId} is the client's
 * idempotency key: {@link IdempotencyMiddleware} runs a command id once and answers repeats with the first
 * result. Give a retried command the same id and a new command a new id. {@code expectedVersion}, when set, is
 * the version the client saw (optimistic concurrency across a UI round trip); handlers built by
 * {@link CommandHandlers} pass it to the append.
 * <pre>{@code
 * var metadata = CommandMetadata.empty().withCommandId("c-1").withPrincipal("ada").withCorrelationId("req-9");
 * }</pre>
 *
 * @param commandId the client's id for this command (idempotency key), or null
 * @param correlationId the id shared by every message of one business flow, or null
 * @param principal who sends the command, or null
 * @param tenant the tenant the command belongs to, or null
 * @param expectedVersion the stream version the client expects, or null for "whatever the handler decides"
 * @param extra free string entries, sorted by key; never null
 * @since 0.1
 */
public record CommandMetadata(String commandId, String correlationId, String principal, String tenant,
                              ExpectedVersion expectedVersion, Map<String, String> extra) {

    private static final CommandMetadata EMPTY = new CommandMetadata(null, null, null, null, null, Map.of());

    /** Validates the ids and copies {@code extra} into an immutable, key-sorted map. */
    public CommandMetadata {
        Objects.requireNonNull(extra, "extra");
        if (commandId != null && commandId.isBlank()) {
            throw new IllegalArgumentException("commandId must not be blank when present (commandId: '"
                + commandId + "'); pass null for no id");
        }
        extra.forEach((key, value) -> {
            Objects.requireNonNull(key, "extra key");
            Objects.requireNonNull(value, () -> "extra value of '" + key + "'");
        });
        extra = extra.isEmpty() ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(extra));
    }

    /** @return metadata with no entries */
    public static CommandMetadata empty() {
        return EMPTY;
    }

    /**
     * @param commandId the command id (idempotency key), or null
     * @return a copy with that command id
     */
    public CommandMetadata withCommandId(String commandId) {
        return new CommandMetadata(commandId, correlationId, principal, tenant, expectedVersion, extra);
    }

    /**
     * @param correlationId the correlation id, or null
     * @return a copy with that correlation id
     */
    public CommandMetadata withCorrelationId(String correlationId) {
        return new CommandMetadata(commandId, correlationId, principal, tenant, expectedVersion, extra);
    }

    /**
     * @param principal the principal, or null
     * @return a copy with that principal
     */
    public CommandMetadata withPrincipal(String principal) {
        return new CommandMetadata(commandId, correlationId, principal, tenant, expectedVersion, extra);
    }

    /**
     * @param tenant the tenant, or null
     * @return a copy with that tenant
     */
    public CommandMetadata withTenant(String tenant) {
        return new CommandMetadata(commandId, correlationId, principal, tenant, expectedVersion, extra);
    }

    /**
     * @param expectedVersion the version the client expects the stream at, or null
     * @return a copy with that expected version
     */
    public CommandMetadata withExpectedVersion(ExpectedVersion expectedVersion) {
        return new CommandMetadata(commandId, correlationId, principal, tenant, expectedVersion, extra);
    }

    /**
     * @param key the entry's key
     * @param value the entry's value
     * @return a copy with that extra entry added or replaced
     */
    public CommandMetadata with(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        var copy = new TreeMap<>(extra);
        copy.put(key, value);
        return new CommandMetadata(commandId, correlationId, principal, tenant, expectedVersion, copy);
    }

    /**
     * The metadata to stamp on the events this command causes: the same correlation id (the command id when there
     * is none), the command id as causation id, the principal, the tenant and the free entries.
     *
     * @param commandId the id of the command being handled (see {@link CommandContext#commandId()})
     * @return the event metadata
     */
    public EventMetadata toEventMetadata(String commandId) {
        Objects.requireNonNull(commandId, "commandId");
        return new EventMetadata(correlationId != null ? correlationId : commandId, commandId, principal, tenant,
            extra);
    }
}
