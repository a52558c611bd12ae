package dev.eventline.core;

import java.util.List;
import java.util.Objects;

/**
 * What an append wrote: the stream, its version before and after, and the recorded events.
 * <p>
 * An append of zero events writes nothing and returns {@code previousVersion == currentVersion} with no
 * events. A retried append whose event ids are already stored returns the original result.
 *
 * @param streamId the stream appended to
 * @param previousVersion the stream's version before the append (0 when it did not exist)
 * @param currentVersion the stream's version after the append
 * @param events the recorded events, in version order
 * @since 0.1
 */
public record AppendResult(String streamId, long previousVersion, long currentVersion, List<RecordedEvent> events) {

    /** Validates the fields and copies the list. */
    public AppendResult {
        Objects.requireNonNull(streamId, "streamId");
        events = List.copyOf(events);
        if (currentVersion - previousVersion != events.size()) {
            throw new IllegalArgumentException("versions do not match the events (previousVersion: "
                + previousVersion + ", currentVersion: " + currentVersion + ", events: " + events.size() + ")");
        }
    }

    /** @return the version of the first event written, or {@code currentVersion + 1} when none was */
    public long firstVersion() {
        return previousVersion + 1;
    }

    /** @return the log position of the last event written, or {@link LogPosition#START} when none was */
    public LogPosition lastPosition() {
        return events.isEmpty() ? LogPosition.START : events.get(events.size() - 1).position();
    }

    /** @return the checksum of the stream's newest event written here, or "" when none was */
    public String lastChecksum() {
        return events.isEmpty() ? "" : events.get(events.size() - 1).checksum();
    }
}
