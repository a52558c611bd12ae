package dev.eventline.core;

/**
 * Limits every store applies to an append before writing anything; input over a limit raises
 * {@link InvalidEventException}.
 *
 * @param maxStreamIdLength the longest stream id, in UTF-16 chars (default 200)
 * @param maxTypeLength the longest type name, in UTF-16 chars (default 200)
 * @param maxPayloadBytes the largest payload plus metadata, in bytes (default 1 MiB)
 * @param maxEventsPerAppend the most events in one append (default 10,000)
 * @since 0.1
 */
public record AppendLimits(int maxStreamIdLength, int maxTypeLength, int maxPayloadBytes, int maxEventsPerAppend) {

    /** Stream ids longer than this are almost always a bug (a payload passed as an id); 200 fits any UUID scheme. */
    public static final int DEFAULT_MAX_STREAM_ID_LENGTH = 200;
    /** Type names are short identifiers. */
    public static final int DEFAULT_MAX_TYPE_LENGTH = 200;
    /** 1 MiB: events are facts, not documents; larger payloads belong in a blob store with a reference. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;
    /** 10,000 events keep one append's transaction short enough not to hold subscribers back. */
    public static final int DEFAULT_MAX_EVENTS_PER_APPEND = 10_000;

    private static final AppendLimits DEFAULTS = new AppendLimits(DEFAULT_MAX_STREAM_ID_LENGTH,
        DEFAULT_MAX_TYPE_LENGTH, DEFAULT_MAX_PAYLOAD_BYTES, DEFAULT_MAX_EVENTS_PER_APPEND);

    /** Validates that every limit is positive. */
    public AppendLimits {
        if (maxStreamIdLength < 1 || maxTypeLength < 1 || maxPayloadBytes < 1 || maxEventsPerAppend < 1) {
            throw new ConfigurationException("append limits must be >= 1 (maxStreamIdLength: " + maxStreamIdLength
                + ", maxTypeLength: " + maxTypeLength + ", maxPayloadBytes: " + maxPayloadBytes
                + ", maxEventsPerAppend: " + maxEventsPerAppend + ")");
        }
    }

    /** @return the default limits */
    public static AppendLimits defaults() {
        return DEFAULTS;
    }

    /**
     * @param maxPayloadBytes the largest payload, in bytes
     * @return a copy with that payload limit
     */
    public AppendLimits withMaxPayloadBytes(int maxPayloadBytes) {
        return new AppendLimits(maxStreamIdLength, maxTypeLength, maxPayloadBytes, maxEventsPerAppend);
    }
}
