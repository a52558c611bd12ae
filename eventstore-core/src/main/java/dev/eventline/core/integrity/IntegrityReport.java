package dev.eventline.core.integrity;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of checking a hash chain: whether it is intact, how many events were checked, and the first
 * broken link when it is not.
 *
 * @param valid true when every checked link holds
 * @param eventsChecked how many events were checked
 * @param violation the first broken link, or null when valid
 * @since 0.1
 */
public record IntegrityReport(boolean valid, long eventsChecked, Violation violation) {

    /** Validates that {@code violation} is present exactly when the chain is broken. */
    public IntegrityReport {
        if (valid != (violation == null)) {
            throw new IllegalArgumentException("a report has a violation exactly when it is invalid (valid: " + valid
                + ", violation: " + violation + ")");
        }
    }

    /**
     * @param eventsChecked how many events were checked
     * @return a report of an intact chain
     */
    public static IntegrityReport intact(long eventsChecked) {
        return new IntegrityReport(true, eventsChecked, null);
    }

    /**
     * @param eventsChecked how many events were checked
     * @param violation the first broken link
     * @return a report of a broken chain
     */
    public static IntegrityReport broken(long eventsChecked, Violation violation) {
        return new IntegrityReport(false, eventsChecked, Objects.requireNonNull(violation, "violation"));
    }

    /** @return the first broken link, when there is one */
    public Optional<Violation> firstViolation() {
        return Optional.ofNullable(violation);
    }

    /** Why a link is broken. */
    public enum Reason {
        /** The event's stored checksum does not match its content: the event was changed. */
        CONTENT_CHANGED,
        /** A version is missing from the stream: an event was deleted. */
        EVENT_MISSING,
        /** Events are intact but in another order than they were written. */
        ORDER_CHANGED,
        /** The stream ends before the version (or checksum) the caller kept: its newest events were removed. */
        TAIL_TRUNCATED
    }

    /**
     * One broken link.
     *
     * @param streamId the stream where the chain breaks
     * @param version the version at which it breaks
     * @param reason why
     * @param message a sentence for people, with the values involved
     */
    public record Violation(String streamId, long version, Reason reason, String message) {
        /** Validates the fields. */
        public Violation {
            Objects.requireNonNull(streamId, "streamId");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }
}
