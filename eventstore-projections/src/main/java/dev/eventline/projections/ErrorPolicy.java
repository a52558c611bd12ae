package dev.eventline.projections;

import java.time.Duration;
import java.util.Objects;

/**
 * What a projection does when a handler keeps failing: retry with exponential backoff and jitter, then stop or
 * park.
 * <p>
 * Each retry waits {@code initialBackoff × 2^(attempt-1)}, capped at {@code maxBackoff}, scaled by a random
 * factor in [0.5, 1.0] so that instances do not retry in lockstep. After {@code maxRetries} failed retries,
 * {@link Action#STOP} marks the projection {@link ProjectionState#FAILED} with the error and the event (its
 * checkpoint stays before the event); {@link Action#PARK} stores the event as a {@link DeadLetter}, parks every
 * later event of the same stream too, and carries on with the other streams. Failures of the storage itself
 * (lost connection, deadlock) are retried without limit and never park an event.
 *
 * @param maxRetries how many times to retry a failing event, {@code >= 0}
 * @param initialBackoff the wait before the first retry, {@code > 0}
 * @param maxBackoff the longest wait between retries, {@code >= initialBackoff}
 * @param action what to do when the retries are exhausted
 * @since 0.1
 */
public record ErrorPolicy(int maxRetries, Duration initialBackoff, Duration maxBackoff, Action action) {

    /** Five retries cover transient faults in a handler's own dependencies without hiding a real bug for long. */
    public static final int DEFAULT_MAX_RETRIES = 5;
    /** 100 ms: short enough that a one-off glitch barely delays the projection. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(100);
    /** 30 s: a failing projection still retries a few times a minute. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

    /** What to do once the retries are exhausted. */
    public enum Action {
        /** Stop the projection and report it {@link ProjectionState#FAILED}. */
        STOP,
        /** Park the event and its stream's later events as dead letters; keep going with other streams. */
        PARK
    }

    /** Validates every field. */
    public ErrorPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(action, "action");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0 (maxRetries: " + maxRetries + ")");
        }
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be > 0 (initialBackoff: " + initialBackoff + ")");
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be >= initialBackoff (maxBackoff: " + maxBackoff
                + ", initialBackoff: " + initialBackoff + ")");
        }
    }

    /** @return the default: 5 retries from 100 ms up to 30 s, then stop */
    public static ErrorPolicy defaults() {
        return new ErrorPolicy(DEFAULT_MAX_RETRIES, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, Action.STOP);
    }

    /**
     * @param maxRetries how many retries
     * @param initialBackoff the first wait
     * @return retry, then stop the projection
     */
    public static ErrorPolicy retryThenStop(int maxRetries, Duration initialBackoff) {
        return new ErrorPolicy(maxRetries, initialBackoff, max(initialBackoff), Action.STOP);
    }

    /**
     * @param maxRetries how many retries
     * @param initialBackoff the first wait
     * @return retry, then park the event and its stream
     */
    public static ErrorPolicy retryThenPark(int maxRetries, Duration initialBackoff) {
        return new ErrorPolicy(maxRetries, initialBackoff, max(initialBackoff), Action.PARK);
    }

    private static Duration max(Duration initialBackoff) {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        return initialBackoff.compareTo(DEFAULT_MAX_BACKOFF) > 0 ? initialBackoff : DEFAULT_MAX_BACKOFF;
    }

    /**
     * @param maxBackoff the longest wait
     * @return a copy with that cap
     */
    public ErrorPolicy withMaxBackoff(Duration maxBackoff) {
        return new ErrorPolicy(maxRetries, initialBackoff, maxBackoff, action);
    }

    /**
     * @param attempt the retry about to be made, {@code >= 1}
     * @param random a number in [0, 1) for the jitter
     * @return how long to wait before it
     */
    public Duration backoff(int attempt, double random) {
        long initial = initialBackoff.toNanos();
        long cap = maxBackoff.toNanos();
        long exponential = attempt >= 62 ? cap : Math.min(cap, initial << Math.min(attempt - 1, 40));
        if (exponential <= 0) {
            exponential = cap;
        }
        return Duration.ofNanos((long) (exponential * (0.5 + random / 2)));
    }
}
