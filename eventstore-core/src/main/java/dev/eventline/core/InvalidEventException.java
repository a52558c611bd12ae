package dev.eventline.core;

/**
 * An append was refused before anything was written because its input breaks a limit or rule of the store:
 * a stream id or type name that is blank, too long, or contains NUL, control characters or lone surrogates;
 * metadata with NUL or lone surrogates; a payload over the configured size limit; the same event id twice in one batch; too many events in one batch.
 * <p>
 * Fix the input; retrying the same append cannot succeed.
 *
 * @since 0.1
 */
public final class InvalidEventException extends EventStoreException {

    /**
     * @param message what is wrong, the values in parentheses, then how to fix it
     */
    public InvalidEventException(String message) {
        super(message);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
