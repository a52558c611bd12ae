package dev.eventline.core.branch;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * <b>Experimental.</b> Where {@link Branches} keeps the branch registry and each branch's own events: the service
 * provider interface behind {@link BranchStore}. Users pick an implementation ({@link InMemoryBranchStorage}, or
 * {@code JdbcBranchStorage} from {@code eventstore-jdbc}) and never call it directly.
 * <p>
 * The parent's events are never stored here: a branch reads them from its parent. An implementation stores, per
 * branch id, the branch's own events with their stream versions, position numbers and checksums exactly as the
 * {@link EventRecorder} made them, and one head per stream. It must serialize the appends of one branch (so that
 * position numbers are handed out in commit order and a reader of {@link #readAll} never skips one), enforce the
 * expected version against the stream's head, and keep event ids unique per branch.
 * <p>
 * Thread-safety: implementations are safe for concurrent use.
 *
 * @since 0.1
 */
public interface BranchStorage {

    /**
     * Registers a new branch.
     *
     * @param branch the branch
     * @throws BranchAlreadyExistsException when a branch of that name exists
     * @throws BranchNotFoundException when the parent branch no longer exists
     */
    void create(BranchRecord branch);

    /**
     * @param name a branch name
     * @return the branch of that name, if it exists
     */
    Optional<BranchRecord> find(String name);

    /**
     * @param id a branch id
     * @return the branch with that id, if it still exists
     */
    Optional<BranchRecord> findById(String id);

    /** @return every branch, ordered by name */
    List<BranchRecord> list();

    /**
     * @param branch a branch
     * @return how many events were appended to it (0 when it no longer exists)
     */
    long ownEventCount(BranchRecord branch);

    /**
     * Deletes a branch, its own events and its stream heads, atomically.
     *
     * @param branch the branch
     * @throws BranchNotFoundException when it no longer exists
     * @throws BranchInUseException when other branches were forked from it
     */
    void delete(BranchRecord branch);

    /**
     * @param branch a branch
     * @param streamId a stream
     * @return the stream's head in the branch, empty when the branch has no own events in it
     */
    Optional<StreamHead> head(BranchRecord branch, String streamId);

    /**
     * Appends events to a branch's stream, atomically: under the branch's write lock, takes the stream's head (or
     * {@code base} when the branch has none yet), checks {@code expected}, takes {@code count} new position numbers
     * (ascending, greater than every number the branch's log holds and than the fork's position), lets the recorder
     * build the events, and stores them with the new head.
     *
     * @param branch the branch
     * @param streamId the stream
     * @param expected the expectation on the stream's version
     * @param count how many events, {@code >= 1}
     * @param base the stream's state at the fork, used when the branch has no head for it
     * @param recorder builds the recorded events
     * @return the result, or null when a concurrent writer won a race on a unique key (the caller then looks for
     *     its events by id and retries)
     * @throws dev.eventline.core.ConcurrencyConflictException when the stream does not satisfy {@code expected}
     * @throws BranchNotFoundException when the branch no longer exists
     */
    AppendResult append(BranchRecord branch, String streamId, ExpectedVersion expected, int count, StreamHead base,
                        EventRecorder recorder);

    /**
     * @param branch a branch
     * @param eventIds event ids
     * @return the branch's own events with those ids, in stream and version order
     */
    List<RecordedEvent> findByIds(BranchRecord branch, Collection<UUID> eventIds);

    /**
     * Reads one page of a branch's own events of one stream.
     *
     * @param branch a branch
     * @param streamId the stream
     * @param direction the order
     * @param fromVersion the first version to return (inclusive)
     * @param maxCount the most events to return, {@code >= 1}
     * @return the events
     */
    List<RecordedEvent> readStream(BranchRecord branch, String streamId, ReadDirection direction, long fromVersion,
                                   int maxCount);

    /**
     * Reads one page of a branch's own events in log order.
     *
     * @param branch a branch
     * @param afterNumber the position number to read after
     * @param maxCount the most events to return, {@code >= 1}
     * @return the events with a greater position number, ascending
     */
    List<RecordedEvent> readAll(BranchRecord branch, long afterNumber, int maxCount);

    /**
     * @param branch a branch
     * @return the greatest position number of the branch's own events, 0 when it has none
     */
    long lastNumber(BranchRecord branch);

    /**
     * @param branch a branch
     * @param after the stream id to list after, "" for the first page
     * @param maxCount the most ids to return
     * @return the ids of the streams the branch has own events in, ascending
     */
    List<String> streamIds(BranchRecord branch, String after, int maxCount);

    /**
     * A stream's head in a branch.
     *
     * @param baseVersion the stream's version at the fork (its last parent event the branch sees)
     * @param version the stream's version in the branch
     * @param lastChecksum the checksum of the event at {@code version}, "" when none
     */
    record StreamHead(long baseVersion, long version, String lastChecksum) {
        /** Validates the fields. */
        public StreamHead {
            Objects.requireNonNull(lastChecksum, "lastChecksum");
            if (baseVersion < 0 || version < baseVersion) {
                throw new IllegalArgumentException("versions out of order (baseVersion: " + baseVersion
                    + ", version: " + version + ")");
            }
        }
    }

    /** Builds a batch's recorded events once the storage knows where they go; supplied by {@link Branches}. */
    @FunctionalInterface
    interface EventRecorder {
        /**
         * @param currentVersion the stream's version before the append
         * @param previousChecksum the checksum of the event at {@code currentVersion}, "" when none
         * @param numbers the events' position numbers, ascending
         * @return the recorded events, in order, with their checksums
         */
        List<RecordedEvent> record(long currentVersion, String previousChecksum, long[] numbers);
    }
}
