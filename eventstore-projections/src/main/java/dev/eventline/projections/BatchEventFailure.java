package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;
import java.util.List;

/**
 * Thrown by the default {@link Projection#handleBatch} to tell the runner which event of the batch failed, so the
 * runner need not call the failing handler again to find it. The runner unwraps it; a user never sees it.
 */
final class BatchEventFailure extends Exception {

    private static final long serialVersionUID = 1L;

    /** The list the failing call was given: the runner trusts the index only for its own list. */
    private final transient List<RecordedEvent> events;
    private final int index;

    BatchEventFailure(List<RecordedEvent> events, int index, Exception cause) {
        super("event " + index + " of the batch failed: " + cause, cause, false, false);
        this.events = events;
        this.index = index;
    }

    /** @return the failing event's index in {@code batch}, or -1 when this failure came from another batch's call */
    int indexIn(List<RecordedEvent> batch) {
        return events == batch ? index : -1;
    }

    @Override
    public synchronized Exception getCause() {
        return (Exception) super.getCause();
    }
}
