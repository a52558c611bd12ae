package dev.eventline.jdbc.internal;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The heads (version and last checksum) of streams this store instance has just written or read to the end, so
 * that the next append to such a stream can compute its rows before talking to the database and write them in one
 * round trip.
 * <p>
 * An entry is a guess, never a fact: another store instance (or another JVM) may have appended since. The write
 * that uses it checks both the version and the checksum in its {@code WHERE} clause, so a stale entry only costs
 * the append a second attempt on the locking path; it can never make it write a wrong row.
 * <p>
 * Bounded: when full, an arbitrary entry makes room (streams written often come back at once). Thread-safety: safe
 * for concurrent use, without locks.
 */
public final class StreamHeadCache {

    /**
     * Default capacity: the streams a busy instance appends to within seconds (about 2.5 MB at most: a stream id
     * and a 64-character checksum per entry); a miss only costs one cheap read.
     */
    public static final int DEFAULT_CAPACITY = 10_000;

    /** A stream's head: its version and the checksum of its last event ({@code ""} before the first). */
    public record Head(long version, String lastChecksum) {
        /** The head of a stream that has no events. */
        public static final Head EMPTY = new Head(0, "");

        /**
         * @param version the stream's version, 0 or more
         * @param lastChecksum the checksum of the event at that version
         */
        public Head {
            Objects.requireNonNull(lastChecksum, "lastChecksum");
            if (version < 0) {
                throw new IllegalArgumentException("version must be >= 0 (version: " + version + ")");
            }
        }
    }

    private final int capacity;
    private final ConcurrentHashMap<String, Head> heads = new ConcurrentHashMap<>();

    /** @param capacity the most streams remembered, at least 1 */
    public StreamHeadCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 (capacity: " + capacity + ")");
        }
        this.capacity = capacity;
    }

    /**
     * @param streamId the stream
     * @return its remembered head, or null
     */
    public Head get(String streamId) {
        return heads.get(streamId);
    }

    /**
     * Remembers the head an append just committed (it replaces whatever was remembered).
     *
     * @param streamId the stream
     * @param head its head after the append
     */
    public void written(String streamId, Head head) {
        makeRoom(streamId);
        heads.put(streamId, head);
    }

    /**
     * Remembers a head a read saw; it never replaces a newer one (a read may finish after a later append).
     *
     * @param streamId the stream
     * @param head the head the read reached
     */
    public void read(String streamId, Head head) {
        makeRoom(streamId);
        heads.merge(streamId, head, (old, seen) -> seen.version() >= old.version() ? seen : old);
    }

    /**
     * Forgets a stream, after its remembered head turned out wrong.
     *
     * @param streamId the stream
     */
    public void forget(String streamId) {
        heads.remove(streamId);
    }

    /** @return how many streams are remembered */
    public int size() {
        return heads.size();
    }

    private void makeRoom(String streamId) {
        // Approximate under races (a few entries over the bound for an instant); that is enough to bound memory.
        while (heads.size() >= capacity && !heads.containsKey(streamId)) {
            Iterator<String> any = heads.keySet().iterator();
            if (!any.hasNext()) {
                return;
            }
            heads.remove(any.next());
        }
    }
}
