package dev.eventline.projections;

import dev.eventline.core.EventStoreException;
import dev.eventline.core.RecordedEvent;

/**
 * A projection stopped because a handler kept failing on one event; waiting for it cannot succeed.
 * <p>
 * Fix the handler (or the event's data), then restart the projection: it resumes at the failing event, which
 * was never skipped.
 *
 * @since 0.1
 */
public final class ProjectionFailedException extends EventStoreException {

    private final String projection;
    private final transient RecordedEvent failedEvent;

    /**
     * @param projection the projection
     * @param failedEvent the event that failed, or null
     * @param cause the handler's error
     */
    public ProjectionFailedException(String projection, RecordedEvent failedEvent, Throwable cause) {
        super("projection '" + projection + "' failed" + (failedEvent == null ? "" : " on event "
            + failedEvent.eventId() + " (stream: '" + failedEvent.streamId() + "', version: " + failedEvent.version()
            + ", type: " + failedEvent.type() + ")") + ": " + cause
            + ". Fix the handler and restart the runner, or use ErrorPolicy.retryThenPark to park such events.",
            cause);
        this.projection = projection;
        this.failedEvent = failedEvent;
    }

    /** @return the projection that failed */
    public String projection() {
        return projection;
    }

    /** @return the event that failed, or null */
    public RecordedEvent failedEvent() {
        return failedEvent;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
