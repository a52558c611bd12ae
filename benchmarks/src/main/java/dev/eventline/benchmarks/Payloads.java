package dev.eventline.benchmarks;

import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pre-encoded payloads handed out as fresh {@link EventData} with new event ids, so that a measured append pays
 * neither for JSON encoding nor for {@code SecureRandom} (which {@link UUID#randomUUID()} uses): both belong to
 * the application, not to the store.
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

    private Payloads() {
    }

    /** {@code count} events whose payloads start at pool index {@code offset}, each with a new random id. */
    static List<EventData> batch(int offset, int count) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<EventData> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int at = Math.floorMod(offset + i, POOL);
            events.add(new EventData(randomUuid(random), TYPES[at], 1, BYTES[at], EventMetadata.empty()));
        }
        return events;
    }

    static EventData one(int offset) {
        int at = Math.floorMod(offset, POOL);
        return new EventData(randomUuid(ThreadLocalRandom.current()), TYPES[at], 1, BYTES[at],
            EventMetadata.empty());
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
