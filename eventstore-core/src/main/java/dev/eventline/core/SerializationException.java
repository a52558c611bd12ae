package dev.eventline.core;

/**
 * An event, command or snapshot could not be turned into JSON or back: an unknown type name, a payload that does
 * not fit the registered Java type, or an upcaster that failed. Stored data is never changed by this failure.
 *
 * @since 0.1
 */
public class SerializationException extends EventStoreException {

    /**
     * @param message what failed, the values in parentheses, then how to fix it
     */
    public SerializationException(String message) {
        super(message);
    }

    /**
     * @param message what failed, the values in parentheses, then how to fix it
     * @param cause the underlying failure
     */
    public SerializationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
