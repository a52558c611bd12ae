package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * An event a projection parked instead of applying: the event's coordinates and why it was parked.
 * <p>
 * An event is parked when its handler still failed after the retries of an {@link ErrorPolicy#retryThenPark}
 * policy, or because an earlier event of the same stream is parked (then {@code error} names that event): a
 * stream's events are never applied out of order. Read the event itself with
 * {@code store.readStream(streamId, version)}; replay with {@link ProjectionRunner#replayDeadLetters(String)}.
 *
 * @param id the dead letter's id, unique per store, increasing in parking order
 * @param projection the projection that parked it
 * @param eventId the event's id
 * @param streamId the event's stream
 * @param version the event's version in its stream
 * @param position the event's place in the global log
 * @param type the event's type name
 * @param error what went wrong (the exception's class and message), never null
 * @param parkedAt when it was parked
 * @since 0.1
 */
public record DeadLetter(long id, String projection, UUID eventId, String streamId, long version,
                         LogPosition position, String type, String error, Instant parkedAt) {

    /** Validates every field. */
    public DeadLetter {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(parkedAt, "parkedAt");
    }
}
