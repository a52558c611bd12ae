package dev.eventline.core;

/**
 * The root of every exception Eventline throws. Unchecked.
 * <p>
 * Each subtype names one failure a caller may want to handle and carries its details as fields.
 * {@link #isRetryable()} tells whether trying the same operation again can succeed.
 *
 * @since 0.1
 */
public abstract class EventStoreException extends RuntimeException {

    /**
     * @param message what failed, the values in parentheses, then how to fix it
     */
    protected EventStoreException(String message) {
        super(message);
    }

    /**
     * @param message what failed, the values in parentheses, then how to fix it
     * @param cause the underlying failure
     */
    protected EventStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @return true when retrying the same operation may succeed */
    public abstract boolean isRetryable();
}
