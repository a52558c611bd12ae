package dev.eventline.core.aggregate;

import static dev.eventline.core.aggregate.TestBank.SERIALIZER;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.aggregate.TestBank.MoneyDeposited;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.core.snapshot.SnapshotStore;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Hand-written test doubles for the repository tests (no mocking framework). */
final class RepositoryTestDoubles {

    private RepositoryTestDoubles() {
    }

    /** A state Jackson can write (as {}) but never read back: no creator, no properties. */
    static final class NoCreator {
        private final int hidden;

        NoCreator(int hidden) {
            this.hidden = hidden;
        }

        @Override
        public String toString() {
            return "NoCreator" + hidden;
        }
    }

    /** An InstantSource the test moves by hand. */
    static final class MutableClock implements InstantSource {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** A snapshot store whose writes always fail, as a full disk or a dropped connection would. */
    static final class FailingSnapshotStore implements SnapshotStore {
        @Override
        public void save(Snapshot snapshot) {
            throw new IllegalStateException("disk full");
        }

        @Override
        public Optional<Snapshot> latest(String streamId) {
            return Optional.empty();
        }

        @Override
        public Optional<Snapshot> latestAtOrBefore(String streamId, long version) {
            return Optional.empty();
        }

        @Override
        public void delete(String streamId) {
        }
    }

    /** An EventStore where, once armed, another writer deposits 1 just before each of the next N appends. */
    static final class RacingStore implements EventStore {
        final EventStore delegate;
        final AtomicInteger appendCalls = new AtomicInteger();
        int racesLeft;
        volatile boolean armed;

        RacingStore(EventStore delegate, int races) {
            this.delegate = delegate;
            this.racesLeft = races;
        }

        @Override
        public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
            appendCalls.incrementAndGet();
            if (armed && racesLeft > 0) {
                racesLeft--;
                appendCalls.incrementAndGet();
                delegate.append(streamId, ExpectedVersion.any(),
                    List.of(SERIALIZER.serialize(new MoneyDeposited(BigDecimal.ONE))));
            }
            return delegate.append(streamId, expected, events);
        }

        @Override
        public Stream<RecordedEvent> readStream(String streamId, ReadDirection direction, long fromVersion,
                                                long maxCount) {
            return delegate.readStream(streamId, direction, fromVersion, maxCount);
        }

        @Override
        public List<RecordedEvent> readAll(LogPosition after, int maxCount) {
            return delegate.readAll(after, maxCount);
        }

        @Override
        public Stream<RecordedEvent> readStreamBetween(String streamId, Instant fromInclusive, Instant toExclusive) {
            return delegate.readStreamBetween(streamId, fromInclusive, toExclusive);
        }

        @Override
        public Stream<RecordedEvent> readAllBetween(Instant fromInclusive, Instant toExclusive) {
            return delegate.readAllBetween(fromInclusive, toExclusive);
        }

        @Override
        public long streamVersion(String streamId) {
            return delegate.streamVersion(streamId);
        }

        @Override
        public LogPosition headPosition() {
            return delegate.headPosition();
        }

        @Override
        public IntegrityReport verify(String streamId) {
            return delegate.verify(streamId);
        }

        @Override
        public IntegrityReport verify(String streamId, long expectedVersion, String expectedChecksum) {
            return delegate.verify(streamId, expectedVersion, expectedChecksum);
        }

        @Override
        public IntegrityReport verifyAll() {
            return delegate.verifyAll();
        }
    }
}
