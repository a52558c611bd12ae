package dev.eventline.core.snapshot;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A {@link SnapshotStore} in memory, for tests and single-process applications.
 * <p>
 * Every saved version is kept (snapshots are taken every few hundred events, so this stays small next to the
 * events themselves). Nothing survives the JVM.
 * <p>
 * Thread-safety: safe for concurrent use; reads take no lock.
 * <pre>{@code
 * SnapshotStore snapshots = new InMemorySnapshotStore();
 * }</pre>
 *
 * @since 0.1
 */
public final class InMemorySnapshotStore implements SnapshotStore {

    private final ConcurrentHashMap<String, ConcurrentNavigableMap<Long, Snapshot>> byStream =
        new ConcurrentHashMap<>();

    /** Creates an empty store. */
    public InMemorySnapshotStore() {
    }

    @Override
    public void save(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        byStream.computeIfAbsent(snapshot.streamId(), id -> new ConcurrentSkipListMap<>())
            .put(snapshot.version(), snapshot);
    }

    @Override
    public Optional<Snapshot> latest(String streamId) {
        Objects.requireNonNull(streamId, "streamId");
        ConcurrentNavigableMap<Long, Snapshot> versions = byStream.get(streamId);
        return versions == null ? Optional.empty() : value(versions.lastEntry());
    }

    @Override
    public Optional<Snapshot> latestAtOrBefore(String streamId, long version) {
        Objects.requireNonNull(streamId, "streamId");
        ConcurrentNavigableMap<Long, Snapshot> versions = byStream.get(streamId);
        return versions == null ? Optional.empty() : value(versions.floorEntry(version));
    }

    @Override
    public void delete(String streamId) {
        Objects.requireNonNull(streamId, "streamId");
        byStream.remove(streamId);
    }

    private static Optional<Snapshot> value(Map.Entry<Long, Snapshot> entry) {
        return entry == null ? Optional.empty() : Optional.of(entry.getValue());
    }

    @Override
    public String toString() {
        return "InMemorySnapshotStore[streams=" + byStream.size() + "]";
    }
}
