package dev.eventline.core.branch;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.internal.EventArray;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * <b>Experimental.</b> A {@link BranchStorage} kept in memory: for tests, prototypes and branches of an
 * {@link dev.eventline.core.InMemoryEventStore}. Nothing survives the JVM.
 * <p>
 * Appends (of every branch) are serialized by one lock; reads take no lock: each branch's log and streams are
 * append-only arrays published through a volatile size. Position numbers continue from the fork's position
 * number, which keeps them unique within a branch's log on stores whose commit order is their position order
 * (in-memory, H2).
 * <p>
 * Thread-safety: safe for concurrent use.
 *
 * @since 0.1
 */
public final class InMemoryBranchStorage implements BranchStorage {

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentSkipListMap<String, Data> byName = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, Data> byId = new ConcurrentHashMap<>();

    /** One branch's own events. */
    private static final class Data {
        final BranchRecord record;
        final EventArray log = new EventArray();
        final ConcurrentHashMap<String, EventArray> streams = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, StreamHead> heads = new ConcurrentHashMap<>();
        final ConcurrentHashMap<UUID, RecordedEvent> events = new ConcurrentHashMap<>();
        volatile long lastNumber;

        Data(BranchRecord record) {
            this.record = record;
            this.lastNumber = record.forkPosition().position();
        }
    }

    /** Creates an empty storage. */
    public InMemoryBranchStorage() {
    }

    @Override
    public void create(BranchRecord branch) {
        Objects.requireNonNull(branch, "branch");
        writeLock.lock();
        try {
            if (byName.containsKey(branch.name())) {
                throw new BranchAlreadyExistsException(branch.name());
            }
            if (!branch.isTopLevel() && !byId.containsKey(branch.parentId())) {
                throw new BranchNotFoundException(branch.parentId());
            }
            Data data = new Data(branch);
            byName.put(branch.name(), data);
            byId.put(branch.id(), data);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<BranchRecord> find(String name) {
        Data data = byName.get(Objects.requireNonNull(name, "name"));
        return data == null ? Optional.empty() : Optional.of(data.record);
    }

    @Override
    public Optional<BranchRecord> findById(String id) {
        Data data = byId.get(Objects.requireNonNull(id, "id"));
        return data == null ? Optional.empty() : Optional.of(data.record);
    }

    @Override
    public List<BranchRecord> list() {
        return byName.values().stream().map(data -> data.record).toList();
    }

    @Override
    public long ownEventCount(BranchRecord branch) {
        Data data = byId.get(branch.id());
        return data == null ? 0 : data.log.size();
    }

    @Override
    public void delete(BranchRecord branch) {
        writeLock.lock();
        try {
            Data data = byId.get(branch.id());
            if (data == null) {
                throw new BranchNotFoundException(branch.name());
            }
            boolean hasChildren = byId.values().stream().anyMatch(other -> other.record.parentId().equals(branch.id()));
            if (hasChildren) {
                throw new BranchInUseException(branch.name());
            }
            byId.remove(branch.id());
            byName.remove(branch.name());
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public Optional<StreamHead> head(BranchRecord branch, String streamId) {
        return Optional.ofNullable(data(branch).heads.get(streamId));
    }

    @Override
    public AppendResult append(BranchRecord branch, String streamId, ExpectedVersion expected, int count,
                               StreamHead base, EventRecorder recorder) {
        writeLock.lock();
        try {
            Data data = data(branch);
            StreamHead head = data.heads.getOrDefault(streamId, base);
            if (!expected.isSatisfiedBy(head.version())) {
                throw new ConcurrencyConflictException(streamId, expected, head.version(), count);
            }
            long[] numbers = new long[count];
            for (int i = 0; i < count; i++) {
                numbers[i] = data.lastNumber + 1 + i;
            }
            List<RecordedEvent> recorded = recorder.record(head.version(), head.lastChecksum(), numbers);
            for (RecordedEvent event : recorded) {
                if (data.events.containsKey(event.eventId())) {
                    return null;
                }
            }
            data.streams.computeIfAbsent(streamId, id -> new EventArray()).addAll(recorded);
            for (RecordedEvent event : recorded) {
                data.events.put(event.eventId(), event);
            }
            data.log.addAll(recorded);
            data.lastNumber = numbers[count - 1];
            RecordedEvent last = recorded.get(recorded.size() - 1);
            data.heads.put(streamId, new StreamHead(head.baseVersion(), last.version(), last.checksum()));
            return new AppendResult(streamId, head.version(), last.version(), recorded);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<RecordedEvent> findByIds(BranchRecord branch, Collection<UUID> eventIds) {
        Data data = byId.get(branch.id());
        if (data == null) {
            return List.of();
        }
        List<RecordedEvent> found = new ArrayList<>();
        for (UUID id : eventIds) {
            RecordedEvent event = data.events.get(id);
            if (event != null) {
                found.add(event);
            }
        }
        found.sort(Comparator.comparing(RecordedEvent::streamId).thenComparingLong(RecordedEvent::version));
        return found;
    }

    @Override
    public List<RecordedEvent> readStream(BranchRecord branch, String streamId, ReadDirection direction,
                                          long fromVersion, int maxCount) {
        Data data = data(branch);
        EventArray stream = data.streams.get(streamId);
        StreamHead head = data.heads.get(streamId);
        if (stream == null || head == null) {
            return List.of();
        }
        int size = stream.size();
        long base = head.baseVersion();
        List<RecordedEvent> page = new ArrayList<>();
        if (direction == ReadDirection.FORWARDS) {
            for (long index = Math.max(fromVersion - base - 1, 0); index < size && page.size() < maxCount; index++) {
                page.add(stream.get((int) index));
            }
        } else {
            for (long index = Math.min(fromVersion - base - 1, size - 1); index >= 0 && page.size() < maxCount;
                 index--) {
                page.add(stream.get((int) index));
            }
        }
        return page;
    }

    @Override
    public List<RecordedEvent> readAll(BranchRecord branch, long afterNumber, int maxCount) {
        EventArray log = data(branch).log;
        int size = log.size();
        int low = 0;
        int high = size;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (log.get(middle).position().position() <= afterNumber) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        List<RecordedEvent> page = new ArrayList<>(Math.min(maxCount, size - low));
        for (int i = low; i < size && page.size() < maxCount; i++) {
            page.add(log.get(i));
        }
        return page;
    }

    @Override
    public long lastNumber(BranchRecord branch) {
        Data data = data(branch);
        return data.log.size() == 0 ? 0 : data.lastNumber;
    }

    @Override
    public List<String> streamIds(BranchRecord branch, String after, int maxCount) {
        return data(branch).heads.keySet().stream().filter(id -> id.compareTo(after) > 0).sorted().limit(maxCount)
            .toList();
    }

    /**
     * Replaces a stored own event, bypassing every check: lets tests prove that tampering is detected.
     *
     * @param branch the branch
     * @param replacement the event to put in place of the one with the same stream and version
     */
    void tamper(BranchRecord branch, RecordedEvent replacement) {
        Data data = data(branch);
        EventArray stream = data.streams.get(replacement.streamId());
        long base = data.heads.get(replacement.streamId()).baseVersion();
        EventArray copy = new EventArray();
        List<RecordedEvent> events = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            events.add(i == replacement.version() - base - 1 ? replacement : stream.get(i));
        }
        copy.addAll(events);
        data.streams.put(replacement.streamId(), copy);
    }

    private Data data(BranchRecord branch) {
        Data data = byId.get(branch.id());
        if (data == null) {
            throw new BranchNotFoundException(branch.name());
        }
        return data;
    }

    @Override
    public String toString() {
        return "InMemoryBranchStorage[branches=" + byName.size() + "]";
    }
}
