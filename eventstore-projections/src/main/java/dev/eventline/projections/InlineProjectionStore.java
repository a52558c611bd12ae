package dev.eventline.projections;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.IntegrityReport;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * An {@link EventStore} wrapper that applies inline projections synchronously: when {@link #append} returns,
 * every inline projection has applied the appended events (and any appended before them).
 * <p>
 * Use it for in-memory read models that must be strongly consistent with the writes, such as a uniqueness
 * index consulted by command handlers. Each projection is caught up from its own position in log order after
 * each append, under one lock, so it sees events exactly once and in order, including events appended directly
 * to the wrapped store. If a handler throws, the events are still stored (the append succeeded) and
 * {@link ProjectionFailedException} is thrown; the next append retries from the failing event.
 * <p>
 * This wrapper updates in-memory read models after the append's transaction, for any {@link EventStore}. For JDBC
 * read models on a {@link dev.eventline.jdbc.JdbcEventStore}, use {@link InlineProjections}: they commit in the
 * append's own transaction, and a failing handler refuses the append.
 * <p>
 * Thread-safety: safe for concurrent use; appends also serialize on the projections' lock.
 * <pre>{@code
 * var emails = new UniqueEmails();                       // a Projection with a query method
 * EventStore store = InlineProjectionStore.wrap(EventStore.inMemory(), emails);
 * store.append("user-1", ExpectedVersion.noStream(), List.of(registered));
 * emails.isTaken("ada@example.com");                     // true, immediately
 * }</pre>
 *
 * @since 0.1
 */
public final class InlineProjectionStore implements EventStore {

    /** Catch-up pages: bounded memory even when the wrapped store already holds a long log. */
    private static final int PAGE_SIZE = 500;

    private final EventStore delegate;
    private final List<Inline> inlines;
    private final ReentrantLock lock = new ReentrantLock();

    private static final class Inline {
        final Projection projection;
        LogPosition position = LogPosition.START;

        Inline(Projection projection) {
            this.projection = projection;
        }
    }

    private InlineProjectionStore(EventStore delegate, List<Projection> projections) {
        this.delegate = delegate;
        this.inlines = new ArrayList<>();
        for (Projection projection : projections) {
            if (!projection.tables().isEmpty()) {
                throw new dev.eventline.core.ConfigurationException("inline projection '" + projection.name()
                    + "' declares JDBC tables " + projection.tables() + "; this wrapper is for in-memory read models. "
                    + "Register it with InlineProjections, as an append hook of a JdbcEventStore, instead.");
            }
            inlines.add(new Inline(projection));
        }
    }

    /**
     * Wraps a store and catches the projections up with what it already holds.
     *
     * @param store the store to wrap
     * @param projections the inline projections, applied in this order
     * @return the wrapping store
     * @throws ProjectionFailedException when a projection fails on an event already stored
     */
    public static InlineProjectionStore wrap(EventStore store, Projection... projections) {
        Objects.requireNonNull(store, "store");
        InlineProjectionStore inline = new InlineProjectionStore(store, List.of(projections));
        inline.catchUp();
        return inline;
    }

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        AppendResult result = delegate.append(streamId, expected, events);
        catchUp();
        return result;
    }

    /**
     * Applies every event the projections have not seen yet.
     *
     * @throws ProjectionFailedException when a handler throws; the events stay stored
     */
    public void catchUp() {
        lock.lock();
        try {
            for (Inline inline : inlines) {
                catchUp(inline);
            }
        } finally {
            lock.unlock();
        }
    }

    private void catchUp(Inline inline) {
        ProjectionContext context = new ProjectionContext() {
            @Override
            public String projectionName() {
                return inline.projection.name();
            }

            @Override
            public Connection connection() {
                throw new IllegalStateException("inline projection '" + inline.projection.name()
                    + "' is in-memory and has no connection.");
            }

            @Override
            public String table(String baseName) {
                throw new IllegalArgumentException("inline projection '" + inline.projection.name()
                    + "' has no tables.");
            }

            @Override
            public boolean isRebuilding() {
                return false;
            }
        };
        while (true) {
            List<RecordedEvent> page = delegate.readAll(inline.position, PAGE_SIZE);
            for (RecordedEvent event : page) {
                if (inline.projection.eventTypes().contains(event.type())) {
                    try {
                        inline.projection.handle(event, context);
                    } catch (Exception failure) {
                        throw new ProjectionFailedException(inline.projection.name(), event, failure);
                    }
                }
                inline.position = event.position();
            }
            if (page.size() < PAGE_SIZE) {
                return;
            }
        }
    }

    /**
     * @param projection an inline projection's name
     * @return the position it has applied up to
     */
    public LogPosition position(String projection) {
        for (Inline inline : inlines) {
            if (inline.projection.name().equals(projection)) {
                return inline.position;
            }
        }
        throw new IllegalArgumentException("no inline projection named '" + projection + "'.");
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

    @Override
    public String toString() {
        return "InlineProjectionStore[" + delegate + "]";
    }
}
