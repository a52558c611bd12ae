package dev.eventline.core.aggregate;

import java.util.Objects;

/**
 * An aggregate as loaded by {@link AggregateRepository}: its state and the stream version it reflects.
 * <p>
 * {@code version} is the expected version for the next append. {@code eventsReplayed} and
 * {@code snapshotVersion} tell how the state was obtained, for tests and metrics: a load from a snapshot at
 * version 100 of a stream at 130 replayed 30 events.
 *
 * @param id the aggregate id
 * @param streamId the aggregate's stream
 * @param state the state
 * @param version the stream version the state includes (0 for a new aggregate)
 * @param eventsReplayed how many events were folded to get the state
 * @param snapshotVersion the version of the snapshot the load started from, 0 when it started from the initial
 *     state
 * @param <S> the state type
 * @since 0.1
 */
public record Loaded<S>(String id, String streamId, S state, long version, long eventsReplayed,
                        long snapshotVersion) {

    /** Validates every field. */
    public Loaded {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(state, "state");
        if (version < 0 || eventsReplayed < 0 || snapshotVersion < 0 || snapshotVersion > version) {
            throw new IllegalArgumentException("inconsistent versions (version: " + version + ", eventsReplayed: "
                + eventsReplayed + ", snapshotVersion: " + snapshotVersion + ")");
        }
    }

    /** @return true when the stream has no events yet (version 0) */
    public boolean isNew() {
        return version == 0;
    }
}
