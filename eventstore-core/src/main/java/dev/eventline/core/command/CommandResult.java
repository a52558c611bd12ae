package dev.eventline.core.command;

import dev.eventline.core.AppendResult;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.util.List;
import java.util.Objects;

/**
 * What a handled command wrote: the stream, its version afterwards and the events appended.
 * <p>
 * Pass {@link #lastPosition()} to {@link dev.eventline.core.query.QueryOptions#consistentWith} to read your own
 * write from a read model. A command that decided nothing returns no events and the stream's current version.
 *
 * @param streamId the stream written to
 * @param version the stream's version after the command (0 when the stream does not exist)
 * @param events the events appended, in version order; possibly empty
 * @since 0.1
 */
public record CommandResult(String streamId, long version, List<RecordedEvent> events) {

    /** Validates the fields and copies the list. */
    public CommandResult {
        Objects.requireNonNull(streamId, "streamId");
        events = List.copyOf(events);
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0 (version: " + version + ")");
        }
    }

    /**
     * @param result what an append wrote
     * @return the command result describing it
     */
    public static CommandResult from(AppendResult result) {
        Objects.requireNonNull(result, "result");
        return new CommandResult(result.streamId(), result.currentVersion(), result.events());
    }

    /** @return the log position of the last event appended, or {@link LogPosition#START} when none was */
    public LogPosition lastPosition() {
        return events.isEmpty() ? LogPosition.START : events.get(events.size() - 1).position();
    }
}
