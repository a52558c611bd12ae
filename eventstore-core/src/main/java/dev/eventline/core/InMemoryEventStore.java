package dev.eventline.core;

import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.internal.AppendValidation;
import dev.eventline.core.internal.EventArray;
import dev.eventline.core.internal.RetriedAppends;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * An {@link EventStore} kept in memory: the reference implementation, for tests, prototypes and benchmarks.
 * <p>
 * Appends are serialized by one lock, so global positions are handed out in commit order and the log never has
 * gaps ({@link LogPosition#commit()} equals {@link LogPosition#position()}). Reads take no lock: each stream and
 * the global log are append-only arrays published through a volatile size. Nothing survives the JVM.
 * <p>
 * Thread-safety: safe for concurrent use.
 * <pre>{@code
 * EventStore store = InMemoryEventStore.builder().clock(testClock).build();
 * }</pre>
 *
 * @since 0.1
 */
public final class InMemoryEventStore implements EventStore {

    private final InstantSource clock;
    private final HashChain hashChain;
    private final AppendLimits limits;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ConcurrentHashMap<String, EventArray> streams = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, RecordedEvent> byId = new ConcurrentHashMap<>();
    private final EventArray log = new EventArray();

    private InMemoryEventStore(Builder builder) {
        this.clock = builder.clock;
        this.hashChain = builder.hashChain;
        this.limits = builder.limits;
    }

    /** @return a builder with the defaults: system clock, SHA-256 chain, default limits */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        AppendValidation.check(streamId, expected, events, limits);
        writeLock.lock();
        try {
            AppendResult retried = findRetriedAppend(streamId, events);
            if (retried != null) {
                return retried;
            }
            EventArray stream = streams.get(streamId);
            long current = stream == null ? 0 : stream.size();
            if (!expected.isSatisfiedBy(current)) {
                throw new ConcurrencyConflictException(streamId, expected, current, events.size());
            }
            if (events.isEmpty()) {
                return new AppendResult(streamId, current, current, List.of());
            }
            Instant now = HashChain.truncate(clock.instant());
            String previous = current == 0 ? "" : stream.get((int) current - 1).checksum();
            long position = log.size();
            List<RecordedEvent> recorded = new ArrayList<>(events.size());
            for (EventData event : events) {
                long version = current + recorded.size() + 1;
                position++;
                String checksum = hashChain.link(previous, event.eventId(), streamId, version, now, event.type(),
                    event.schemaVersion(), event.payload(), event.metadata());
                recorded.add(new RecordedEvent(event.eventId(), streamId, version, LogPosition.of(position), now,
                    event.type(), event.schemaVersion(), event.payload(), event.metadata(), checksum));
                previous = checksum;
            }
            if (stream == null) {
                stream = new EventArray();
                streams.put(streamId, stream);
            }
            stream.addAll(recorded);
            for (RecordedEvent event : recorded) {
                byId.put(event.eventId(), event);
            }
            log.addAll(recorded);
            return new AppendResult(streamId, current, current + recorded.size(), recorded);
        } finally {
            writeLock.unlock();
        }
    }

    /** Returns the original result when this batch was stored before, or fails when it partly was. */
    private AppendResult findRetriedAppend(String streamId, List<EventData> events) {
        Map<UUID, RecordedEvent> stored = new HashMap<>();
        for (EventData event : events) {
            RecordedEvent found = byId.get(event.eventId());
            if (found != null) {
                stored.put(found.eventId(), found);
            }
        }
        return RetriedAppends.match(streamId, events, stored, "");
    }

    @Override
    public Stream<RecordedEvent> readStream(String streamId, ReadDirection direction, long fromVersion,
                                            long maxCount) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(direction, "direction");
        if (maxCount < 0) {
            throw new IllegalArgumentException("maxCount must be >= 0 (maxCount: " + maxCount + ")");
        }
        EventArray stream = streams.get(streamId);
        if (stream == null || maxCount == 0) {
            return Stream.empty();
        }
        long size = stream.size();
        if (direction == ReadDirection.FORWARDS) {
            long from = Math.max(fromVersion, 1);
            if (from > size) {
                return Stream.empty();
            }
            // maxCount is often Long.MAX_VALUE ("to the end"): compare before adding, so the sum cannot overflow
            long to = maxCount > size - from ? size : from - 1 + maxCount;
            return stream.stream((int) from - 1, (int) to);
        }
        long from = Math.min(fromVersion, size);
        if (from < 1) {
            return Stream.empty();
        }
        long to = Math.max(1, from - maxCount + 1);
        return LongStream.iterate(from, version -> version >= to, version -> version - 1)
            .mapToObj(version -> stream.get((int) version - 1));
    }

    @Override
    public List<RecordedEvent> readAll(LogPosition after, int maxCount) {
        Objects.requireNonNull(after, "after");
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1 (maxCount: " + maxCount + ")");
        }
        int size = log.size();
        long from = after.position();
        if (from >= size) {
            return List.of();
        }
        int start = (int) from;
        int end = (int) Math.min(size, from + maxCount);
        List<RecordedEvent> page = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            page.add(log.get(i));
        }
        return page;
    }

    @Override
    public Stream<RecordedEvent> readStreamBetween(String streamId, Instant fromInclusive, Instant toExclusive) {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toExclusive, "toExclusive");
        return readStream(streamId).filter(event -> isBetween(event, fromInclusive, toExclusive));
    }

    @Override
    public Stream<RecordedEvent> readAllBetween(Instant fromInclusive, Instant toExclusive) {
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(toExclusive, "toExclusive");
        int size = log.size();
        return IntStream.range(0, size).mapToObj(log::get)
            .filter(event -> isBetween(event, fromInclusive, toExclusive));
    }

    private static boolean isBetween(RecordedEvent event, Instant fromInclusive, Instant toExclusive) {
        return !event.recordedAt().isBefore(fromInclusive) && event.recordedAt().isBefore(toExclusive);
    }

    @Override
    public long streamVersion(String streamId) {
        Objects.requireNonNull(streamId, "streamId");
        EventArray stream = streams.get(streamId);
        return stream == null ? 0 : stream.size();
    }

    @Override
    public LogPosition headPosition() {
        int size = log.size();
        return size == 0 ? LogPosition.START : log.get(size - 1).position();
    }

    @Override
    public IntegrityReport verify(String streamId) {
        return verify(streamId, 0, null);
    }

    @Override
    public IntegrityReport verify(String streamId, long expectedVersion, String expectedChecksum) {
        try (Stream<RecordedEvent> events = readStream(streamId)) {
            return hashChain.verify(streamId, events.iterator(), expectedVersion, expectedChecksum);
        }
    }

    @Override
    public IntegrityReport verifyAll() {
        long checked = 0;
        for (String streamId : new TreeSet<>(streams.keySet())) {
            IntegrityReport report = verify(streamId);
            checked += report.eventsChecked();
            if (!report.valid()) {
                return IntegrityReport.broken(checked, report.violation());
            }
        }
        return IntegrityReport.intact(checked);
    }

    /** @return how many streams the store holds */
    public int streamCount() {
        return streams.size();
    }

    /**
     * Configures an {@link InMemoryEventStore}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private InstantSource clock = InstantSource.system();
        private HashChain hashChain = HashChain.sha256();
        private AppendLimits limits = AppendLimits.defaults();

        private Builder() {
        }

        /**
         * @param clock the source of recording times (default: the system clock)
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param hashChain how checksums are computed (default: plain SHA-256)
         * @return this builder
         */
        public Builder hashChain(HashChain hashChain) {
            this.hashChain = Objects.requireNonNull(hashChain, "hashChain");
            return this;
        }

        /**
         * @param limits the input limits (default: {@link AppendLimits#defaults()})
         * @return this builder
         */
        public Builder limits(AppendLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** @return a new, empty store */
        public InMemoryEventStore build() {
            return new InMemoryEventStore(this);
        }
    }

    @Override
    public String toString() {
        return "InMemoryEventStore[streams=" + streams.size() + ", events=" + log.size() + "]";
    }
}
