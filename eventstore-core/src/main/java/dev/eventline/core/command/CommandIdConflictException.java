package dev.eventline.core.command;

import dev.eventline.core.EventStoreException;

/**
 * A command id was reused for a different command: another type or another body than the command first sent
 * with that id. Nothing was run. (HTTP: 422.)
 * <p>
 * Retrying cannot help: give every new command a new id, and resend a command only unchanged.
 *
 * @since 0.1
 */
public final class CommandIdConflictException extends EventStoreException {

    private final IdempotencyKey key;

    /**
     * @param key the reused tenant and command id
     * @param commandType the type of the command sent now
     */
    public CommandIdConflictException(IdempotencyKey key, String commandType) {
        super("Command id '" + key.commandId() + "'" + (key.tenant().isEmpty() ? "" : " of tenant '" + key.tenant()
            + "'") + " was already used for a different command (now: " + commandType + ", with another type or "
            + "body than the first). Nothing was run. Give each new command a new id, and resend a command only "
            + "unchanged.");
        this.key = key;
    }

    /** @return the reused tenant and command id */
    public IdempotencyKey key() {
        return key;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
