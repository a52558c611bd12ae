package dev.eventline.core.branch;

import dev.eventline.core.LogPosition;
import java.time.Instant;
import java.util.Objects;

/**
 * <b>Experimental.</b> Where a branch leaves its parent: the parent's current head, a position of its log, or an
 * instant.
 * <p>
 * A branch sees exactly the parent's events at or before its fork position. An instant is turned into a position
 * when the branch is created: the position of the last event of the parent's log (in log order) recorded at or
 * before that instant, or {@link LogPosition#START} when there is none.
 * <pre>{@code
 * branches.create("what-if", ForkPoint.asOf(Instant.parse("2026-03-01T10:00:00Z")));
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface ForkPoint {

    /** The parent's head when the branch is created. */
    record Head() implements ForkPoint {
    }

    /**
     * A position of the parent's log; it must not be after the parent's head.
     *
     * @param position the last parent position the branch sees
     */
    record AtPosition(LogPosition position) implements ForkPoint {
        /** Validates the position. */
        public AtPosition {
            Objects.requireNonNull(position, "position");
        }
    }

    /**
     * An instant: the branch sees the parent's events recorded at or before it.
     *
     * @param instant the last recording time the branch sees (inclusive)
     */
    record AsOf(Instant instant) implements ForkPoint {
        /** Validates the instant. */
        public AsOf {
            Objects.requireNonNull(instant, "instant");
        }
    }

    /** @return the fork point "the parent's head now" */
    static ForkPoint head() {
        return new Head();
    }

    /**
     * @param position the last parent position the branch sees
     * @return the fork point at that position
     */
    static ForkPoint at(LogPosition position) {
        return new AtPosition(position);
    }

    /**
     * @param instant the last recording time the branch sees (inclusive)
     * @return the fork point at that instant
     */
    static ForkPoint asOf(Instant instant) {
        return new AsOf(instant);
    }
}
