package dev.eventline.core.snapshot;

import java.util.Optional;

/**
 * Keeps snapshots per stream, several versions each, so that time-travel loads can start from an older one.
 * <p>
 * Saving a snapshot of a version that is already stored replaces it. Stores are caches: losing snapshots costs
 * replay time, never correctness. Implementations: {@link InMemorySnapshotStore}, and a JDBC one in
 * {@code eventstore-jdbc}; each passes the same contract tests.
 * <p>
 * Thread-safety: implementations are safe for concurrent use.
 * <pre>{@code
 * SnapshotStore snapshots = new InMemorySnapshotStore();
 * snapshots.save(new Snapshot("account-42", 100, 1, stateJson, Instant.now()));
 * Optional<Snapshot> latest = snapshots.latest("account-42");
 * }</pre>
 *
 * @since 0.1
 */
public interface SnapshotStore {

    /**
     * Stores a snapshot, replacing one of the same stream and version.
     *
     * @param snapshot the snapshot
     */
    void save(Snapshot snapshot);

    /**
     * @param streamId a stream
     * @return the snapshot with the highest version of that stream, if any
     */
    Optional<Snapshot> latest(String streamId);

    /**
     * @param streamId a stream
     * @param version the highest version wanted
     * @return the snapshot with the highest version {@code <= version} of that stream, if any
     */
    Optional<Snapshot> latestAtOrBefore(String streamId, long version);

    /**
     * Deletes every snapshot of a stream; does nothing when there is none.
     *
     * @param streamId a stream
     */
    void delete(String streamId);
}
