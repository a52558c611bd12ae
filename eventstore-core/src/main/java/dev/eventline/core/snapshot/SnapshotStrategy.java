package dev.eventline.core.snapshot;

/**
 * Decides, after each successful append, whether the repository takes a snapshot of the new state.
 * <p>
 * Give each {@link dev.eventline.core.aggregate.AggregateRepository} its own strategy to tune it per aggregate
 * type. A custom strategy is a lambda over the stream's version before and after the append.
 * <pre>{@code
 * SnapshotStrategy.everyEvents(50);                                   // each time a multiple of 50 is crossed
 * SnapshotStrategy custom = (previous, current) -> current >= 1_000;  // only for long streams
 * }</pre>
 * <p>
 * Thread-safety: implementations must be safe for concurrent use (pure functions are).
 *
 * @since 0.1
 */
@FunctionalInterface
public interface SnapshotStrategy {

    /** Replaying 100 events costs well under a millisecond, so snapshots more often rarely pay for their writes. */
    int DEFAULT_EVERY_EVENTS = 100;

    /**
     * @param previousVersion the stream's version before the append (0 for a new stream)
     * @param newVersion the stream's version after it
     * @return true to take a snapshot at {@code newVersion}
     */
    boolean shouldSnapshot(long previousVersion, long newVersion);

    /**
     * @param n the interval, {@code >= 1}
     * @return a strategy that snapshots whenever an append crosses (or lands on) a multiple of {@code n}
     */
    static SnapshotStrategy everyEvents(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1 (n: " + n + ")");
        }
        return (previousVersion, newVersion) -> newVersion / n > previousVersion / n;
    }

    /** @return {@code everyEvents(}{@value #DEFAULT_EVERY_EVENTS}{@code )} */
    static SnapshotStrategy defaultStrategy() {
        return everyEvents(DEFAULT_EVERY_EVENTS);
    }

    /** @return a strategy that never snapshots */
    static SnapshotStrategy never() {
        return (previousVersion, newVersion) -> false;
    }
}
