package dev.eventline.core.upcast;

import dev.eventline.core.SerializationException;

/**
 * An upcaster failed or broke its contract while reading an event; the stored event is unchanged.
 * <p>
 * Retrying cannot help: fix the upcaster registered for ({@link #type()}, {@link #fromVersion()}).
 *
 * @since 0.1
 */
public final class UpcastingException extends SerializationException {

    private final String type;
    private final int fromVersion;

    /**
     * @param type the event type the upcaster is registered for
     * @param fromVersion the schema version it upcasts from
     * @param problem what went wrong
     * @param cause the upcaster's exception, or null
     */
    public UpcastingException(String type, int fromVersion, String problem, Throwable cause) {
        super("Upcasting event type '" + type + "' from schema version " + fromVersion + " failed: " + problem
            + ". Fix the upcaster registered for (" + type + ", " + fromVersion + "); the stored event is unchanged.",
            cause);
        this.type = type;
        this.fromVersion = fromVersion;
    }

    /** @return the event type the failing upcaster is registered for */
    public String type() {
        return type;
    }

    /** @return the schema version the failing upcaster upcasts from */
    public int fromVersion() {
        return fromVersion;
    }
}
