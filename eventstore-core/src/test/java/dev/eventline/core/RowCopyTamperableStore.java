package dev.eventline.core;

import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.testkit.TamperableStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A tamperable store for the core's tests: appends go through an {@link InMemoryEventStore} (so checksums are
 * computed exactly as the real store computes them), and the recorded events are copied into plain mutable
 * "rows" that the hooks change and that every read and verify works on, like a table edited with raw SQL.
 * Verification runs the same {@link HashChain#verify} the in-memory store runs.
 */
final class RowCopyTamperableStore implements TamperableStore {

    private final InMemoryEventStore appender = InMemoryEventStore.builder().build();
    private final HashChain chain = HashChain.sha256();
    private final Map<String, List<RecordedEvent>> rows = new TreeMap<>();
    private final EventStore view = new RowView();

    @Override
    public EventStore store() {
        return view;
    }

    @Override
    public synchronized void changePayload(String streamId, long version, byte[] newPayload) {
        replace(streamId, version, e -> copy(e, e.version(), e.type(), newPayload, e.metadata()));
    }

    @Override
    public synchronized void changeType(String streamId, long version, String newType) {
        replace(streamId, version, e -> copy(e, e.version(), newType, e.payload(), e.metadata()));
    }

    @Override
    public synchronized void changeMetadata(String streamId, long version, EventMetadata newMetadata) {
        replace(streamId, version, e -> copy(e, e.version(), e.type(), e.payload(), newMetadata));
    }

    @Override
    public synchronized void changeStreamId(String streamId, long version, String newStreamId) {
        RecordedEvent e = row(streamId, version);
        rows.get(streamId).remove(e);
        rows.computeIfAbsent(newStreamId, k -> new ArrayList<>()).add(new RecordedEvent(e.eventId(), newStreamId,
            e.version(), e.position(), e.recordedAt(), e.type(), e.schemaVersion(), e.payload(), e.metadata(),
            e.checksum()));
    }

    @Override
    public synchronized void changeVersion(String streamId, long version, long newVersion) {
        replace(streamId, version, e -> copy(e, newVersion, e.type(), e.payload(), e.metadata()));
    }

    @Override
    public synchronized void deleteEvent(String streamId, long version) {
        rows.get(streamId).remove(row(streamId, version));
    }

    @Override
    public synchronized void swapVersions(String streamId, long a, long b) {
        RecordedEvent first = row(streamId, a);
        RecordedEvent second = row(streamId, b);
        replace(streamId, a, e -> copy(first, b, first.type(), first.payload(), first.metadata()));
        List<RecordedEvent> stream = rows.get(streamId);
        stream.set(stream.indexOf(second), copy(second, a, second.type(), second.payload(), second.metadata()));
    }

    private void replace(String streamId, long version, UnaryOperator<RecordedEvent> change) {
        List<RecordedEvent> stream = rows.get(streamId);
        int index = stream.indexOf(row(streamId, version));
        stream.set(index, change.apply(stream.get(index)));
    }

    private RecordedEvent row(String streamId, long version) {
        return rows.getOrDefault(streamId, List.of()).stream().filter(e -> e.version() == version).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no row " + streamId + "@" + version));
    }

    private static RecordedEvent copy(RecordedEvent e, long version, String type, byte[] payload,
                                      EventMetadata metadata) {
        return new RecordedEvent(e.eventId(), e.streamId(), version, e.position(), e.recordedAt(), type,
            e.schemaVersion(), payload, metadata, e.checksum());
    }

    private synchronized List<RecordedEvent> sortedStream(String streamId) {
        List<RecordedEvent> sorted = new ArrayList<>(rows.getOrDefault(streamId, List.of()));
        sorted.sort(Comparator.comparingLong(RecordedEvent::version));
        return sorted;
    }

    private synchronized List<RecordedEvent> sortedLog() {
        return rows.values().stream().flatMap(List::stream).sorted(Comparator.comparing(RecordedEvent::position))
            .toList();
    }

    /** The store as a reader of the (possibly tampered) rows sees it. */
    private final class RowView implements EventStore {

        @Override
        public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
            synchronized (RowCopyTamperableStore.this) {
                AppendResult result = appender.append(streamId, expected, events);
                List<RecordedEvent> stream = rows.computeIfAbsent(streamId, k -> new ArrayList<>());
                for (RecordedEvent event : result.events()) {
                    if (stream.stream().noneMatch(row -> row.eventId().equals(event.eventId()))) {
                        stream.add(event);
                    }
                }
                return result;
            }
        }

        @Override
        public Stream<RecordedEvent> readStream(String streamId, ReadDirection direction, long fromVersion,
                                                long maxCount) {
            List<RecordedEvent> sorted = sortedStream(streamId);
            if (direction == ReadDirection.FORWARDS) {
                return sorted.stream().filter(e -> e.version() >= fromVersion).limit(maxCount);
            }
            List<RecordedEvent> reversed = new ArrayList<>(sorted);
            java.util.Collections.reverse(reversed);
            return reversed.stream().filter(e -> e.version() <= fromVersion).limit(maxCount);
        }

        @Override
        public List<RecordedEvent> readAll(LogPosition after, int maxCount) {
            return sortedLog().stream().filter(e -> e.position().isAfter(after)).limit(maxCount).toList();
        }

        @Override
        public Stream<RecordedEvent> readStreamBetween(String streamId, Instant fromInclusive, Instant toExclusive) {
            return readStream(streamId).filter(e -> !e.recordedAt().isBefore(fromInclusive)
                && e.recordedAt().isBefore(toExclusive));
        }

        @Override
        public Stream<RecordedEvent> readAllBetween(Instant fromInclusive, Instant toExclusive) {
            return sortedLog().stream().filter(e -> !e.recordedAt().isBefore(fromInclusive)
                && e.recordedAt().isBefore(toExclusive));
        }

        @Override
        public long streamVersion(String streamId) {
            List<RecordedEvent> sorted = sortedStream(streamId);
            return sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1).version();
        }

        @Override
        public LogPosition headPosition() {
            List<RecordedEvent> log = sortedLog();
            return log.isEmpty() ? LogPosition.START : log.get(log.size() - 1).position();
        }

        @Override
        public IntegrityReport verify(String streamId) {
            return verify(streamId, 0, null);
        }

        @Override
        public IntegrityReport verify(String streamId, long expectedVersion, String expectedChecksum) {
            Objects.requireNonNull(streamId, "streamId");
            return chain.verify(streamId, sortedStream(streamId).iterator(), expectedVersion, expectedChecksum);
        }

        @Override
        public IntegrityReport verifyAll() {
            List<String> streamIds;
            synchronized (RowCopyTamperableStore.this) {
                streamIds = List.copyOf(rows.keySet());
            }
            long checked = 0;
            for (String streamId : streamIds) {
                IntegrityReport report = verify(streamId);
                checked += report.eventsChecked();
                if (!report.valid()) {
                    return IntegrityReport.broken(checked, report.violation());
                }
            }
            return IntegrityReport.intact(checked);
        }
    }
}
