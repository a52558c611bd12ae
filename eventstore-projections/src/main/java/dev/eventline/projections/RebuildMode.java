package dev.eventline.projections;

/**
 * How {@link ProjectionRunner#rebuild} rebuilds a projection.
 *
 * @since 0.1
 */
public enum RebuildMode {
    /**
     * Build a fresh copy from the start of the log (shadow tables, or a new {@link ReadModel} instance) with its
     * own checkpoint while the current copy keeps answering queries and following the log; switch atomically
     * once the copy has caught up. No downtime for readers.
     */
    SHADOW,
    /**
     * Empty the read model ({@link Projection#reset}) and replay the log into it. Readers see it fill up again.
     */
    TRUNCATE_AND_REPLAY
}
