package dev.eventline.core;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes event ids: time-ordered UUIDs (version 7 of RFC 9562), the ids {@link EventData#of} and
 * {@link dev.eventline.core.serialization.EventSerializer} give new events.
 * <p>
 * Why time-ordered: a store keeps a unique index on event ids (that is what makes appends idempotent). Random
 * (version 4) ids land on a random page of that index for every event, so each append dirties pages all over it,
 * and after every checkpoint the database writes a full-page image to its write-ahead log for nearly each one.
 * Ids that grow with time are inserted at the right-hand edge of the index, like a sequence: one page takes many
 * events, and the index stays compact and cached. Any unique UUID stays valid as an event id; these are only
 * cheaper to store.
 * <p>
 * Layout (RFC 9562, section 5.7): 48 bits of Unix time in milliseconds, the version (7), 12 bits of a counter
 * within the millisecond, the variant, 62 random bits. Guarantees:
 * <ul>
 *   <li>Every id this JVM returns is greater than the one before it, in {@link UUID#compareTo} order and in the
 *       byte order databases sort UUIDs by, on every thread: the time and counter bits come from one atomic
 *       state that only moves forward. When the clock stands still the counter counts up; when more than 4,096
 *       ids are taken in one millisecond, or the clock steps back, the embedded time runs a little ahead of the
 *       clock until it catches up.</li>
 *   <li>Ids are unique within the JVM by construction, and across JVMs by their 62 random bits, which mix a
 *       per-JVM secret drawn once from {@link SecureRandom} with a fast per-thread generator (no
 *       {@code SecureRandom} call per id).</li>
 *   <li>The embedded time is when the id was made, not when the event is stored; the store records its own
 *       time.</li>
 * </ul>
 * Thread-safety: safe for concurrent use; lock-free.
 * <p>
 * Example: {@code new EventData(EventIds.next(), "MoneyDeposited", 1, json, EventMetadata.empty())}.
 *
 * @since 0.1
 */
public final class EventIds {

    private static final int COUNTER_BITS = 12;
    private static final long VERSION_7 = 0x7000L;
    private static final long RAND_B_MASK = 0x3FFF_FFFF_FFFF_FFFFL;
    private static final long VARIANT = 0x8000_0000_0000_0000L;

    /** Milliseconds and counter of the last id, as {@code millis << 12 | counter}; only ever grows. */
    private static final AtomicLong LAST = new AtomicLong();
    /** Per-JVM secret mixed into the random bits, so that two JVMs whose per-thread generators agree still differ. */
    private static final long JVM_SECRET = new SecureRandom().nextLong();

    private EventIds() {
    }

    /**
     * Returns a new time-ordered event id, greater than every id this JVM returned before.
     *
     * @return a version-7 UUID
     */
    public static UUID next() {
        long candidate = System.currentTimeMillis() << COUNTER_BITS;
        long state = LAST.accumulateAndGet(candidate, (last, now) -> Math.max(last + 1, now));
        long millis = state >>> COUNTER_BITS;
        long counter = state & ((1L << COUNTER_BITS) - 1);
        long msb = (millis << 16) | VERSION_7 | counter;
        long lsb = ((ThreadLocalRandom.current().nextLong() ^ JVM_SECRET) & RAND_B_MASK) | VARIANT;
        return new UUID(msb, lsb);
    }
}
