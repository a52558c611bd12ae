package dev.eventline.core;

import java.util.UUID;

/**
 * An append reused event ids that are already stored, but not as the same batch: only some of the ids exist,
 * or they exist in another stream or in another order.
 * <p>
 * Nothing was written. Event ids identify one event forever: give new events new ids, and retry a failed
 * append with exactly the same events.
 *
 * @since 0.1
 */
public final class IdempotencyConflictException extends EventStoreException {

    private final String streamId;
    private final UUID eventId;

    /**
     * @param streamId the stream appended to
     * @param eventId an event id that conflicts
     * @param detail why the stored events do not match the batch
     */
    public IdempotencyConflictException(String streamId, UUID eventId, String detail) {
        super("Append to stream '" + streamId + "' rejected: event id " + eventId + " is already stored but the batch "
            + "does not match what was stored (" + detail + "). Retry a failed append with exactly the same events, "
            + "and give new events new ids.");
        this.streamId = streamId;
        this.eventId = eventId;
    }

    /** @return the stream appended to */
    public String streamId() {
        return streamId;
    }

    /** @return an event id that conflicts */
    public UUID eventId() {
        return eventId;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
