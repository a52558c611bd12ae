package dev.eventline.core;

/**
 * Eventline was configured wrongly: an invalid table prefix, a missing handler registration, a conflicting
 * type name. Raised by {@code build()} methods and at startup; fix the configuration, retrying cannot help.
 *
 * @since 0.1
 */
public final class ConfigurationException extends EventStoreException {

    /**
     * @param message what is wrong, the values in parentheses, then how to fix it
     */
    public ConfigurationException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, the values in parentheses, then how to fix it
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
