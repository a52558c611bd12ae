package dev.eventline.projections;

/**
 * Where a projection's runner stands.
 *
 * @since 0.1
 */
public enum ProjectionState {
    /** Registered, not yet started (or never started because the runner was not started). */
    STOPPED,
    /** Waiting for the lease: another instance owns the projection. */
    STANDBY,
    /** Applying events that were already in the log when it last looked. */
    CATCHING_UP,
    /** At the head of the log, following new writes. */
    LIVE,
    /** Being rebuilt: a truncate-and-replay, or a shadow copy being built. */
    REBUILDING,
    /** Stopped by its error policy; {@link ProjectionStatus#error()} and {@link ProjectionStatus#failedEvent()} say why. */
    FAILED
}
