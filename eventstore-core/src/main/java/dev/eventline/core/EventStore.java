package dev.eventline.core;

import dev.eventline.core.integrity.IntegrityReport;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Appends events to streams and reads them back, per stream and as one global log.
 * <p>
 * An append is atomic: all events of one call are stored or none are. Use {@link ExpectedVersion} for optimistic
 * concurrency; the store enforces it even across processes sharing one database. Appends are idempotent by event
 * id: appending events whose ids are already stored, as the same batch, returns the first result and writes
 * nothing.
 * <p>
 * Reads return lazy {@link Stream}s that fetch events in bounded pages, so a stream of millions of events is
 * never held in memory. A returned stream holds no connection between pages; closing it is good manners but not
 * required. The global log ({@link #readAll}) only hands out events whose place in the log is settled: no event
 * can ever appear before a {@link LogPosition} that a reader has already seen.
 * <p>
 * Thread-safety: implementations are safe for concurrent use.
 * <pre>{@code
 * EventStore store = EventStore.inMemory();
 * store.append("account-42", ExpectedVersion.noStream(), List.of(EventData.of("AccountOpened", "{\"owner\":\"Ada\"}")));
 * try (var events = store.readStream("account-42")) { events.forEach(System.out::println); }
 * }</pre>
 *
 * @since 0.1
 */
public interface EventStore {

    /**
     * @return a new, empty, thread-safe in-memory store without an HMAC key
     */
    static EventStore inMemory() {
        return InMemoryEventStore.builder().build();
    }

    /**
     * Appends events to a stream, atomically, if the stream satisfies {@code expected}.
     *
     * @param streamId the stream to append to
     * @param expected what the stream's version must be
     * @param events the events, in order; may be empty (then nothing is written)
     * @return the stream's versions before and after, and the recorded events
     * @throws ConcurrencyConflictException when the stream does not satisfy {@code expected}
     * @throws IdempotencyConflictException when some event ids are already stored but not as this batch
     * @throws InvalidEventException when the input breaks a limit of the store; nothing is written
     * @throws StorageException when the storage fails
     */
    AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events);

    /**
     * Reads a stream's events in version order.
     *
     * @param streamId the stream to read
     * @param direction forwards (ascending versions) or backwards
     * @param fromVersion the first version to return (inclusive); reading backwards from {@code Long.MAX_VALUE}
     *     starts at the newest event
     * @param maxCount the most events to return, {@code >= 0}
     * @return the events, lazily fetched in pages; empty when the stream does not exist
     */
    Stream<RecordedEvent> readStream(String streamId, ReadDirection direction, long fromVersion, long maxCount);

    /**
     * @param streamId the stream to read
     * @return all of the stream's events, oldest first, lazily fetched in pages
     */
    default Stream<RecordedEvent> readStream(String streamId) {
        return readStream(streamId, ReadDirection.FORWARDS, 1, Long.MAX_VALUE);
    }

    /**
     * @param streamId the stream to read
     * @param fromVersion the first version to return (inclusive)
     * @return the stream's events from {@code fromVersion} on, oldest first
     */
    default Stream<RecordedEvent> readStream(String streamId, long fromVersion) {
        return readStream(streamId, ReadDirection.FORWARDS, fromVersion, Long.MAX_VALUE);
    }

    /**
     * Reads one page of the global log: the settled events after {@code after}, in log order.
     * <p>
     * This is what subscribers and projections call in a loop, keeping the last returned event's
     * {@link RecordedEvent#position()} as their cursor.
     *
     * @param after the cursor; {@link LogPosition#START} for the beginning of the log
     * @param maxCount the most events to return, {@code >= 1}
     * @return up to {@code maxCount} events, in ascending {@link LogPosition} order
     */
    List<RecordedEvent> readAll(LogPosition after, int maxCount);

    /**
     * @param after the cursor; {@link LogPosition#START} for the beginning of the log
     * @return every settled event after {@code after}, in log order, lazily fetched in pages
     */
    default Stream<RecordedEvent> readAll(LogPosition after) {
        Objects.requireNonNull(after, "after");
        return dev.eventline.core.internal.Pages.stream(after, 1000, this::readAll, RecordedEvent::position);
    }

    /**
     * Reads a stream's events recorded in {@code [fromInclusive, toExclusive)}, oldest first.
     *
     * @param streamId the stream to read
     * @param fromInclusive the earliest recording time to include
     * @param toExclusive the first recording time to leave out
     * @return the events, lazily fetched in pages
     */
    Stream<RecordedEvent> readStreamBetween(String streamId, Instant fromInclusive, Instant toExclusive);

    /**
     * Reads the settled events of the whole log recorded in {@code [fromInclusive, toExclusive)}, in log order.
     * Use {@link Instant#EPOCH} as the start to read "the log up to an instant".
     *
     * @param fromInclusive the earliest recording time to include
     * @param toExclusive the first recording time to leave out
     * @return the events, lazily fetched in pages
     */
    Stream<RecordedEvent> readAllBetween(Instant fromInclusive, Instant toExclusive);

    /**
     * @param streamId a stream
     * @return the stream's current version, 0 when it does not exist
     */
    long streamVersion(String streamId);

    /**
     * @return the position of the newest settled event in the log, {@link LogPosition#START} when empty
     */
    LogPosition headPosition();

    /**
     * Checks a stream's hash chain.
     *
     * @param streamId the stream to check
     * @return the outcome, naming the first broken link and why
     */
    IntegrityReport verify(String streamId);

    /**
     * Checks a stream's hash chain and that it still ends where the caller saw it end.
     * <p>
     * A hash chain alone cannot see its newest events deleted; keeping the head checksum of an
     * {@link AppendResult} outside the database and passing it here can.
     *
     * @param streamId the stream to check
     * @param expectedVersion the version the caller saw the stream at
     * @param expectedChecksum the checksum of the event at {@code expectedVersion}
     * @return the outcome, naming the first broken link and why
     */
    IntegrityReport verify(String streamId, long expectedVersion, String expectedChecksum);

    /**
     * Checks every stream's hash chain.
     *
     * @return the outcome for the whole store: the first broken link found, and how many events were checked
     */
    IntegrityReport verifyAll();
}
