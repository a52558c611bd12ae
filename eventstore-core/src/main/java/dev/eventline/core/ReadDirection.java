package dev.eventline.core;

/**
 * Which way a stream is read: from old to new events or from new to old.
 *
 * @since 0.1
 */
public enum ReadDirection {
    /** Ascending versions. */
    FORWARDS,
    /** Descending versions. */
    BACKWARDS
}
