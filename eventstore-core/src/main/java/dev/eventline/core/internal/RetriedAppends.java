package dev.eventline.core.internal;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.IdempotencyConflictException;
import dev.eventline.core.RecordedEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one rule every store applies when an append's event ids are already stored, so that all stores answer a
 * retried append alike: the exact batch (same stream, contiguous versions, batch order) returns the original
 * result; anything else is an {@link IdempotencyConflictException}.
 */
public final class RetriedAppends {

    private RetriedAppends() {
    }

    /**
     * @param streamId the stream the append targets
     * @param events the append's events
     * @param storedById the stored events found for the batch's ids (only those found)
     * @param where where the events were looked up, for messages ("" for a main store)
     * @return the original result, or null when none of the ids is stored
     * @throws IdempotencyConflictException when the ids are stored, but not as this batch
     */
    public static AppendResult match(String streamId, List<EventData> events, Map<UUID, RecordedEvent> storedById,
                                     String where) {
        if (events.isEmpty() || storedById.isEmpty()) {
            return null;
        }
        List<RecordedEvent> stored = new ArrayList<>(events.size());
        for (EventData event : events) {
            RecordedEvent found = storedById.get(event.eventId());
            if (found != null) {
                stored.add(found);
            }
        }
        if (stored.isEmpty()) {
            return null;
        }
        if (stored.size() != events.size()) {
            throw new IdempotencyConflictException(streamId, stored.get(0).eventId(),
                stored.size() + " of the " + events.size() + " event ids are already stored" + where);
        }
        for (int i = 0; i < stored.size(); i++) {
            RecordedEvent event = stored.get(i);
            if (!event.streamId().equals(streamId)) {
                throw new IdempotencyConflictException(streamId, event.eventId(),
                    "it is stored in stream '" + event.streamId() + "'" + where);
            }
            if (event.version() != stored.get(0).version() + i) {
                throw new IdempotencyConflictException(streamId, event.eventId(),
                    "the stored events are not contiguous in the batch's order");
            }
        }
        long previousVersion = stored.get(0).version() - 1;
        return new AppendResult(streamId, previousVersion, previousVersion + stored.size(), stored);
    }
}
