package dev.eventline.benchmarks;

import dev.eventline.core.EventData;
import dev.eventline.core.EventIds;
import dev.eventline.core.EventMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pre-encoded payloads handed out as fresh {@link EventData} with new event ids, so that a measured append does not
 * pay for JSON encoding, which belongs to the application, not to the store.
 * <p>
 * Event ids are made the way an application's code gets them from the library ({@link EventIds#next()}, the
 * time-ordered ids {@code EventSerializer} and {@code EventData.of} give), or, with {@link Ids#RANDOM}, as random
 * version-4 UUIDs from a fast non-cryptographic source (not {@code SecureRandom}, which {@link UUID#randomUUID()}
 * uses and whose cost belongs to the application): what an application that makes its own ids may hand over.
 * Eventline and its ceilings always get ids of the same kind in the same run.
 * <p>
 * Thread-safety: the payload pool is immutable; {@link #batch} allocates fresh lists and is safe for concurrent use.
 */
final class Payloads {

    /** Enough distinct payloads that the batches are not the same bytes over and over. */
    private static final int POOL = 1_000;
    private static final String[] TYPES = new String[POOL];
    private static final byte[][] BYTES = new byte[POOL][];

    static {
        for (int i = 0; i < POOL; i++) {
            BankEvents.BankEvent event = BankEvents.event("acc-" + (4217 + i % 7), i);
            TYPES[i] = BankEvents.typeOf(event);
            BYTES[i] = BankEvents.encode(event);
        }
    }

    /** How the benchmarks make event ids (JMH parameter {@code ids}). */
    enum Ids {
        /** Time-ordered (UUIDv7) from {@link EventIds#next()}: what the library gives new events. */
        V7,
        /** Random version-4 UUIDs: what an application that makes its own random ids hands over. */
        RANDOM;

        /** Parses the JMH parameter: {@code v7} or {@code random}. */
        static Ids of(String param) {
            return switch (param) {
                case "v7" -> V7;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("unknown id kind (" + param + "); use v7 or random");
            };
        }

        UUID next() {
            return this == V7 ? EventIds.next() : randomUuid(ThreadLocalRandom.current());
        }
    }

    private Payloads() {
    }

    /** {@code count} events whose payloads start at pool index {@code offset}, each with a new time-ordered id. */
    static List<EventData> batch(int offset, int count) {
        return batch(offset, count, Ids.V7);
    }

    /** {@code count} events whose payloads start at pool index {@code offset}, each with a new id of kind {@code ids}. */
    static List<EventData> batch(int offset, int count, Ids ids) {
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = Math.floorMod(offset + i, POOL);
            events.add(new EventData(ids.next(), TYPES[at], 1, BYTES[at], EventMetadata.empty()));
        }
        return events;
    }

    /** One event with the payload at pool index {@code offset} and a new time-ordered id. */
    static EventData one(int offset) {
        int at = Math.floorMod(offset, POOL);
        return new EventData(EventIds.next(), TYPES[at], 1, BYTES[at], EventMetadata.empty());
    }

    static String type(int offset) {
        return TYPES[Math.floorMod(offset, POOL)];
    }

    static byte[] bytes(int offset) {
        return BYTES[Math.floorMod(offset, POOL)];
    }

    /** A version-4 UUID from a fast non-cryptographic source. */
    private static UUID randomUuid(ThreadLocalRandom random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
