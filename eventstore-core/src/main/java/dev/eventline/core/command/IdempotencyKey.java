package dev.eventline.core.command;

import java.util.Objects;

/**
 * Identifies one command for deduplication: its tenant and the id the client gave it.
 * <p>
 * The tenant is part of the key so that two tenants can never see each other's results through a shared id.
 *
 * @param tenant the command's tenant, {@code ""} when it has none
 * @param commandId the client's command id
 * @since 0.1
 */
public record IdempotencyKey(String tenant, String commandId) {

    /** Longest command id accepted: bounds memory and the durable store's column. */
    public static final int MAX_COMMAND_ID_LENGTH = 200;

    /** Validates both parts; a null tenant becomes {@code ""}. */
    public IdempotencyKey {
        tenant = tenant == null ? "" : tenant;
        Objects.requireNonNull(commandId, "commandId");
        if (commandId.isBlank() || commandId.length() > MAX_COMMAND_ID_LENGTH) {
            throw new IllegalArgumentException("commandId must be 1 to " + MAX_COMMAND_ID_LENGTH
                + " characters and not blank (length: " + commandId.length() + ")");
        }
    }
}
