package dev.eventline.core.snapshot;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * An aggregate's state as JSON, taken after the event at {@code version} of its stream.
 * <p>
 * {@code stateRevision} is the revision of the state's shape (see
 * {@link dev.eventline.core.aggregate.Aggregate#withStateRevision(int)}): a repository ignores snapshots of any
 * other revision and replays the stream in full instead. The state array is not copied: do not modify it.
 *
 * @param streamId the stream the state was folded from
 * @param version the stream version the state includes, {@code >= 1}
 * @param stateRevision the revision of the state's shape, {@code >= 1}
 * @param state the state as UTF-8 JSON
 * @param takenAt when the snapshot was taken
 * @since 0.1
 */
public record Snapshot(String streamId, long version, int stateRevision, byte[] state, Instant takenAt) {

    /** Validates every field. */
    public Snapshot {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(takenAt, "takenAt");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1 (version: " + version + ")");
        }
        if (stateRevision < 1) {
            throw new IllegalArgumentException("stateRevision must be >= 1 (stateRevision: " + stateRevision + ")");
        }
    }

    /** @return the state decoded as UTF-8 text */
    public String stateAsString() {
        return new String(state, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot that
            && streamId.equals(that.streamId) && version == that.version && stateRevision == that.stateRevision
            && Arrays.equals(state, that.state) && takenAt.equals(that.takenAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(streamId, version, stateRevision, Arrays.hashCode(state), takenAt);
    }

    @Override
    public String toString() {
        return "Snapshot[" + streamId + "@" + version + ", stateRevision=" + stateRevision + ", takenAt=" + takenAt
            + ", state=" + stateAsString() + "]";
    }
}
