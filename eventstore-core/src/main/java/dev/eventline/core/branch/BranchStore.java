package dev.eventline.core.branch;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.branch.BranchStorage.StreamHead;
import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.internal.AppendValidation;
import dev.eventline.core.internal.Pages;
import dev.eventline.core.internal.RetriedAppends;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * <b>Experimental.</b> One branch: an {@link EventStore} whose reads see its parent's events up to the fork
 * position plus its own events, and whose appends go to the branch only. Get one from {@link Branches}.
 * <p>
 * Guarantees:
 * <ul>
 *   <li>The parent never changes: appends are stored in the {@link BranchStorage}, never in the parent.</li>
 *   <li>A stream's versions continue from the parent's version at the fork; expected-version checks and
 *   idempotency by event id apply to the branch's view (event ids are unique per branch, so the same event id
 *   may be stored on main and on a branch).</li>
 *   <li>The hash chain continues: a branch stream's first own event chains from the parent's checksum at the
 *   fork, so {@link #verify} checks the parent part and the branch part as one chain.</li>
 *   <li>The log: the parent's events at or before the fork, then the branch's own events. An own event's
 *   {@link LogPosition} has the fork's commit part and a position number greater than the fork's, so every
 *   cursor a reader kept stays valid; compare positions as pairs.</li>
 * </ul>
 * Reads are as fast as the parent's plus one indexed read of the branch's own events: a stream read reads the
 * parent's part only up to the stream's version at the fork, kept with the branch's head of the stream once it has
 * own events there, else found with one point read of the parent (a few by bisection when the parent wrote to the
 * stream after the fork). A branch of a deleted branch cannot exist
 * ({@link Branches#delete} refuses); a {@code BranchStore} whose branch was deleted refuses appends
 * ({@link BranchNotFoundException}).
 * <p>
 * Thread-safety: safe for concurrent use.
 *
 * @since 0.1
 */
public final class BranchStore implements EventStore {

    private static final int MAX_APPEND_ATTEMPTS = 3;

    private final Branches owner;
    private final BranchRecord record;
    private final EventStore parent;
    private final String parentName;
    private final boolean readOnly;
    private final BranchStorage storage;
    private final HashChain hashChain;

    BranchStore(Branches owner, BranchRecord record, EventStore parent, String parentName, boolean readOnly) {
        this.owner = owner;
        this.record = record;
        this.parent = parent;
        this.parentName = parentName;
        this.readOnly = readOnly;
        this.storage = owner.storage;
        this.hashChain = owner.hashChain;
    }

    /** @return the branch's name */
    public String name() {
        return record.name();
    }

    /** @return the parent's name, {@link Branches#MAIN} for the main store */
    public String parentName() {
        return parentName;
    }

    /** @return the parent store (the main store or another branch) */
    public EventStore parent() {
        return parent;
    }

    /** @return the last parent position this branch sees */
    public LogPosition forkPosition() {
        return record.forkPosition();
    }

    /** @return the branch as its storage keeps it */
    public BranchRecord record() {
        return record;
    }

    /** @return the branch's name, parent, fork point, own event count and creation time, read now */
    public BranchInfo info() {
        return new BranchInfo(record.name(), parentName, record.forkPosition(), storage.ownEventCount(record),
            record.createdAt());
    }

    // ---------------------------------------------------------------------------------------------- appends

    /**
     * {@inheritDoc}
     *
     * @throws BranchNotFoundException when the branch was deleted
     * @throws UnsupportedOperationException on a read-only view from {@link TimeTravel}
     */
    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        if (readOnly) {
            throw new UnsupportedOperationException("This view of the log as of " + record.forkPosition()
                + " is read-only. Create a branch with Branches.create to append to a past state.");
        }
        AppendValidation.check(streamId, expected, events, owner.limits);
        if (events.isEmpty()) {
            long current = streamVersion(streamId);
            if (!expected.isSatisfiedBy(current)) {
                throw new ConcurrencyConflictException(streamId, expected, current, 0);
            }
            return new AppendResult(streamId, current, current, List.of());
        }
        for (int attempt = 1; ; attempt++) {
            AppendResult retried = findRetriedAppend(streamId, events);
            if (retried != null) {
                return retried;
            }
            StreamHead base = headOrBase(streamId);
            AppendResult result;
            try {
                result = storage.append(record, streamId, expected, events.size(), base,
                    (current, previous, numbers) -> recordEvents(streamId, events, current, previous, numbers));
            } catch (ConcurrencyConflictException conflict) {
                // the batch may be a retry of one a concurrent caller just stored: that is its original result
                AppendResult stored = findRetriedAppend(streamId, events);
                if (stored != null) {
                    return stored;
                }
                throw conflict;
            }
            if (result != null) {
                return result;
            }
            if (attempt >= MAX_APPEND_ATTEMPTS) {
                // a concurrent writer keeps winning the race on the stream's head, and the batch is not stored
                AppendResult again = findRetriedAppend(streamId, events);
                if (again != null) {
                    return again;
                }
                throw new ConcurrencyConflictException(streamId, expected, streamVersion(streamId), events.size());
            }
        }
    }

    private List<RecordedEvent> recordEvents(String streamId, List<EventData> events, long current, String previous,
                                             long[] numbers) {
        Instant now = HashChain.truncate(owner.clock.instant());
        List<RecordedEvent> recorded = new ArrayList<>(events.size());
        String chain = previous;
        for (int i = 0; i < events.size(); i++) {
            EventData event = events.get(i);
            long version = current + i + 1;
            String checksum = hashChain.link(chain, event.eventId(), streamId, version, now, event.type(),
                event.schemaVersion(), event.payload(), event.metadata());
            recorded.add(new RecordedEvent(event.eventId(), streamId, version, record.positionOf(numbers[i]), now,
                event.type(), event.schemaVersion(), event.payload(), event.metadata(), checksum));
            chain = checksum;
        }
        return recorded;
    }

    /** The same rules as the stores: the original result when this exact batch is stored, else a conflict. */
    private AppendResult findRetriedAppend(String streamId, List<EventData> events) {
        List<UUID> ids = events.stream().map(EventData::eventId).toList();
        Map<UUID, RecordedEvent> stored = new HashMap<>();
        for (RecordedEvent event : storage.findByIds(record, ids)) {
            stored.put(event.eventId(), event);
        }
        return RetriedAppends.match(streamId, events, stored, " in branch '" + record.name() + "'");
    }

    /**
     * The stream's last parent event the branch sees; immutable, because the fork is settled in the parent.
     * <p>
     * One point read when the parent has not written to the stream since the fork (the usual case). Otherwise a
     * bisection on versions, about log2(version) point reads, instead of reading every event the parent wrote to
     * the stream after the fork: a stream's events are in log order by version, because every store serializes
     * the appends to one stream.
     */
    private StreamHead baseAtFork(String streamId) {
        LogPosition fork = record.forkPosition();
        RecordedEvent last = at(streamId, ReadDirection.BACKWARDS, Long.MAX_VALUE);
        if (last == null || !last.position().isAfter(fork)) {
            return headOf(last);
        }
        RecordedEvent seen = null;   // the newest version found at or before the fork
        long low = 0;                // at or before the fork (0: before the stream's first event)
        long high = last.version();  // after the fork
        while (high - low > 1) {
            long middle = low + (high - low) / 2;
            RecordedEvent probe = at(streamId, ReadDirection.FORWARDS, middle);
            if (probe == null || probe.position().isAfter(fork)) {
                high = middle;
            } else {
                seen = probe;
                low = middle;
            }
        }
        return headOf(seen);
    }

    /** The parent's event at {@code version} (or the nearest one in {@code direction}), null when none. */
    private RecordedEvent at(String streamId, ReadDirection direction, long version) {
        try (Stream<RecordedEvent> events = parent.readStream(streamId, direction, version, 1)) {
            return events.findFirst().orElse(null);
        }
    }

    private static StreamHead headOf(RecordedEvent event) {
        return event == null ? new StreamHead(0, 0, "") : new StreamHead(event.version(), event.version(),
            event.checksum());
    }

    /** The stream's head in the branch, or its state at the fork when the branch has no own event in it. */
    private StreamHead headOrBase(String streamId) {
        return storage.head(record, streamId).orElseGet(() -> baseAtFork(streamId));
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public Stream<RecordedEvent> readStream(String streamId, ReadDirection direction, long fromVersion,
                                            long maxCount) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(direction, "direction");
        if (maxCount < 0) {
            throw new IllegalArgumentException("maxCount must be >= 0 (maxCount: " + maxCount + ")");
        }
        if (maxCount == 0) {
            return Stream.empty();
        }
        LogPosition fork = record.forkPosition();
        // Where the parent part ends, so that neither part reads an event of the other: the head row holds it once
        // the branch has own events in the stream; before that, no own event exists and the fork is looked up.
        StreamHead head = storage.head(record, streamId).orElse(null);
        long base = head != null ? head.baseVersion() : baseAtFork(streamId).version();
        boolean hasOwn = head != null && head.version() > base;
        int pageSize = (int) Math.min(Branches.PAGE_SIZE, maxCount);
        if (direction == ReadDirection.FORWARDS) {
            long from = Math.max(fromVersion, 1);
            Stream<RecordedEvent> inherited = from > base ? Stream.empty()
                : parent.readStream(streamId, ReadDirection.FORWARDS, from, Math.min(maxCount, base - from + 1))
                    .takeWhile(event -> !event.position().isAfter(fork));
            Stream<RecordedEvent> own = !hasOwn ? Stream.empty()
                : Pages.stream(Math.max(from, base + 1) - 1, pageSize, (after, size) ->
                    storage.readStream(record, streamId, ReadDirection.FORWARDS, after + 1, size),
                    RecordedEvent::version);
            return Stream.concat(inherited, own).limit(maxCount);
        }
        Stream<RecordedEvent> own = !hasOwn || fromVersion <= base ? Stream.empty()
            : Pages.stream(fromVersion, pageSize, (atOrBelow, size) -> atOrBelow <= base ? List.of()
                : storage.readStream(record, streamId, ReadDirection.BACKWARDS, atOrBelow, size),
                event -> event.version() - 1);
        long inheritedFrom = Math.min(fromVersion, base);
        Stream<RecordedEvent> inherited = inheritedFrom < 1 ? Stream.empty()
            : parent.readStream(streamId, ReadDirection.BACKWARDS, inheritedFrom, maxCount)
                .dropWhile(event -> event.position().isAfter(fork));
        return Stream.concat(own, inherited).limit(maxCount);
    }

    @Override
    public List<RecordedEvent> readAll(LogPosition after, int maxCount) {
        Objects.requireNonNull(after, "after");
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1 (maxCount: " + maxCount + ")");
        }
        LogPosition fork = record.forkPosition();
        List<RecordedEvent> page = new ArrayList<>();
        long afterNumber;
        if (after.compareTo(fork) < 0) {
            List<RecordedEvent> inherited = parent.readAll(after, maxCount);
            boolean passedFork = false;
            for (RecordedEvent event : inherited) {
                if (event.position().isAfter(fork)) {
                    passedFork = true;
                    break;
                }
                page.add(event);
            }
            // every parent event at or before the fork is settled: a short page means none is left
            if (!passedFork && inherited.size() == maxCount) {
                return page;
            }
            afterNumber = fork.position();
        } else {
            // own events share the fork's commit part; a cursor with a later commit part is past all of them
            afterNumber = after.commit() == fork.commit() ? after.position() : Long.MAX_VALUE;
        }
        if (page.size() < maxCount && afterNumber != Long.MAX_VALUE) {
            page.addAll(storage.readAll(record, afterNumber, maxCount - page.size()));
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
        LogPosition fork = record.forkPosition();
        Stream<RecordedEvent> inherited = parent.readAllBetween(fromInclusive, toExclusive)
            .takeWhile(event -> !event.position().isAfter(fork));
        Stream<RecordedEvent> own = Pages.stream(fork.position(), Branches.PAGE_SIZE,
            (after, size) -> storage.readAll(record, after, size), event -> event.position().position())
            .filter(event -> isBetween(event, fromInclusive, toExclusive));
        return Stream.concat(inherited, own);
    }

    private static boolean isBetween(RecordedEvent event, Instant fromInclusive, Instant toExclusive) {
        return !event.recordedAt().isBefore(fromInclusive) && event.recordedAt().isBefore(toExclusive);
    }

    @Override
    public long streamVersion(String streamId) {
        Objects.requireNonNull(streamId, "streamId");
        return headOrBase(streamId).version();
    }

    /**
     * {@inheritDoc}
     * <p>
     * Before the branch's first own event this is the fork position, which need not be an event's position.
     */
    @Override
    public LogPosition headPosition() {
        long last = storage.lastNumber(record);
        return last > 0 ? record.positionOf(last) : record.forkPosition();
    }

    // ---------------------------------------------------------------------------------------------- integrity

    @Override
    public IntegrityReport verify(String streamId) {
        return verify(streamId, 0, null);
    }

    @Override
    public IntegrityReport verify(String streamId, long expectedVersion, String expectedChecksum) {
        Objects.requireNonNull(streamId, "streamId");
        try (Stream<RecordedEvent> events = readStream(streamId)) {
            return hashChain.verify(streamId, events.iterator(), expectedVersion, expectedChecksum);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Checks the parent's whole chain (including its events after the fork, which the branch does not see) and
     * then every stream the branch has own events in, each from version 1.
     */
    @Override
    public IntegrityReport verifyAll() {
        IntegrityReport inherited = parent.verifyAll();
        if (!inherited.valid()) {
            return inherited;
        }
        long checked = inherited.eventsChecked();
        String after = "";
        while (true) {
            List<String> streamIds = storage.streamIds(record, after, Branches.PAGE_SIZE);
            for (String streamId : streamIds) {
                IntegrityReport report = verify(streamId);
                long base = storage.head(record, streamId).map(StreamHead::baseVersion).orElse(0L);
                if (!report.valid()) {
                    return IntegrityReport.broken(checked + report.eventsChecked(), report.violation());
                }
                checked += report.eventsChecked() - base;
            }
            if (streamIds.size() < Branches.PAGE_SIZE) {
                return IntegrityReport.intact(checked);
            }
            after = streamIds.get(streamIds.size() - 1);
        }
    }

    @Override
    public String toString() {
        return "BranchStore[" + record.name() + ", parent=" + parentName + ", fork=" + record.forkPosition() + "]";
    }
}
