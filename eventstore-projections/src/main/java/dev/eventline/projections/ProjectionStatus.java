package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of one projection's progress and health.
 * <p>
 * {@code lagEvents} is {@code head.position() - position.position()}: on stores that hand out positions in
 * commit order (in-memory, H2) it is exactly the number of events not yet applied; on PostgreSQL positions of
 * rolled-back transactions are holes, so it is an upper bound. {@code lagTime} is how long ago the oldest event
 * not yet applied was recorded ({@link Duration#ZERO} when there is none).
 *
 * @param name the projection
 * @param state where it stands
 * @param position its checkpoint: the last event applied or skipped
 * @param head the log's head when the status was taken
 * @param lagEvents how many events it is behind the head, see above
 * @param lagTime how far behind it is in time, see above
 * @param eventsApplied events handled by this runner since it started
 * @param eventsParked events this runner parked (skipped) since it started, including replayed ones
 * @param deadLetters events parked and not yet replayed (by any runner)
 * @param error the error that stopped it, or null
 * @param failedEvent the event that stopped it, or null
 * @since 0.1
 */
public record ProjectionStatus(String name, ProjectionState state, LogPosition position, LogPosition head,
                               long lagEvents, Duration lagTime, long eventsApplied, long eventsParked,
                               long deadLetters,
                               Throwable error, RecordedEvent failedEvent) {

    /** Validates the non-null fields. */
    public ProjectionStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(lagTime, "lagTime");
    }
}
