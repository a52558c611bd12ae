package dev.eventline.core.command;

import dev.eventline.core.EventStoreException;

/**
 * A command id is being handled right now by another process sharing the idempotency store, so this send was not
 * run. (HTTP: 409.)
 * <p>
 * Retryable: send the same command with the same id again shortly; once the first send finishes you get its
 * result. (Two sends of one id inside one JVM never see this: the second waits for the first.)
 *
 * @since 0.1
 */
public final class CommandInFlightException extends EventStoreException {

    private final IdempotencyKey key;

    /**
     * @param key the tenant and command id in flight
     * @param commandType the command's type
     */
    public CommandInFlightException(IdempotencyKey key, String commandType) {
        super("Command id '" + key.commandId() + "' (" + commandType + (key.tenant().isEmpty() ? "" : ", tenant '"
            + key.tenant() + "'") + ") is being handled by another process. Nothing was run. Send it again with "
            + "the same id shortly to get its result.");
        this.key = key;
    }

    /** @return the tenant and command id in flight */
    public IdempotencyKey key() {
        return key;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
