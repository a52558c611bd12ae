package dev.eventline.projections;

import dev.eventline.core.EventStoreException;
import dev.eventline.core.RecordedEvent;
import dev.eventline.projections.internal.Sql;
import java.util.Objects;

/**
 * An append was refused because an inline projection's handler failed on one of its events: nothing of the
 * append was stored, neither the events nor any read-model row.
 * <p>
 * The failure is the handler's, seen by the caller of {@code append} (usually a command handler). Retrying helps
 * only when the cause was transient (a lost connection, a deadlock): {@link #isRetryable()} says so. Otherwise fix
 * the handler, or the data of the command that produced the event.
 *
 * @since 0.1
 */
public final class InlineProjectionFailedException extends EventStoreException {

    private static final long serialVersionUID = 1L;

    private final String projection;
    private final transient RecordedEvent failedEvent;
    private final boolean retryable;

    /**
     * @param projection the inline projection whose handler failed
     * @param failedEvent the event it failed on (never stored)
     * @param cause the handler's error
     */
    public InlineProjectionFailedException(String projection, RecordedEvent failedEvent, Throwable cause) {
        super(message(projection, failedEvent, cause), cause);
        this.projection = projection;
        this.failedEvent = failedEvent;
        this.retryable = Sql.isTransient(cause);
    }

    private static String message(String projection, RecordedEvent failedEvent, Throwable cause) {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(failedEvent, "failedEvent");
        return "Append to stream '" + failedEvent.streamId() + "' rolled back: inline projection '" + projection
            + "' failed on event " + failedEvent.eventId() + " (version: " + failedEvent.version() + ", type: "
            + failedEvent.type() + "): " + cause + ". Nothing was stored. Fix the projection's handler or the "
            + "command's data" + (Sql.isTransient(cause) ? ", or retry: the cause is transient." : ".");
    }

    /** @return the inline projection whose handler failed */
    public String projection() {
        return projection;
    }

    /** @return the event it failed on, as it would have been recorded (null after deserialization) */
    public RecordedEvent failedEvent() {
        return failedEvent;
    }

    /** @return true when the handler's failure was a transient database error, so the same append may succeed */
    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
