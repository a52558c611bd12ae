package dev.eventline.core.command;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link IdempotencyStore} in memory, bounded by entry count (least recently used first) and by age.
 * <p>
 * Suitable for one JVM with an in-memory or single-node store; results are lost on restart. With a JDBC event
 * store, use the durable store from eventstore-jdbc so that a retry after a restart is still deduplicated.
 * Claims in progress are never evicted.
 * <p>
 * Thread-safety: safe for concurrent use (one lock; every operation is a map access).
 * <pre>{@code InMemoryIdempotencyStore.builder().maxEntries(50_000).ttl(Duration.ofHours(1)).build() }</pre>
 *
 * @since 0.1
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

    /** Default most completed commands remembered: ~a few MB of results. */
    public static final int DEFAULT_MAX_ENTRIES = 10_000;
    /** Default time a result is remembered: longer than any sensible client retry window. */
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);

    private record Entry(String fingerprint, CommandResult result, Instant expiresAt) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<IdempotencyKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxEntries;
    private final Duration ttl;
    private final InstantSource clock;

    private InMemoryIdempotencyStore(Builder builder) {
        this.ttl = builder.ttl;
        this.clock = builder.clock;
        this.maxEntries = builder.maxEntries;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a store with the defaults ({@value #DEFAULT_MAX_ENTRIES} entries, 24 h) */
    public static InMemoryIdempotencyStore create() {
        return builder().build();
    }

    @Override
    public Claim claim(IdempotencyKey key, String fingerprint) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        lock.lock();
        try {
            var entry = entries.get(key);
            if (entry != null && entry.result() != null && !clock.instant().isBefore(entry.expiresAt())) {
                entries.remove(key);
                entry = null;
            }
            if (entry == null) {
                entries.put(key, new Entry(fingerprint, null, Instant.MAX));
                evict();
                return new Claim.Acquired();
            }
            return entry.result() == null ? new Claim.InProgress(entry.fingerprint())
                : new Claim.Completed(entry.fingerprint(), entry.result());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void complete(IdempotencyKey key, String fingerprint, CommandResult result) {
        Objects.requireNonNull(result, "result");
        lock.lock();
        try {
            entries.put(key, new Entry(fingerprint, result, clock.instant().plus(ttl)));
            evict();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void release(IdempotencyKey key) {
        lock.lock();
        try {
            var entry = entries.get(key);
            if (entry != null && entry.result() == null) {
                entries.remove(key);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Drops the least recently used results beyond the bound; claims in progress are skipped, never dropped. */
    private void evict() {
        var iterator = entries.values().iterator();
        int excess = entries.size() - maxEntries;
        while (excess > 0 && iterator.hasNext()) {
            if (iterator.next().result() != null) {
                iterator.remove();
                excess--;
            }
        }
    }

    /** @return how many command ids are remembered (claimed or completed) */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Configures the bounds and the clock.
     * <p>
     * Thread-safety: not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {

        private int maxEntries = DEFAULT_MAX_ENTRIES;
        private Duration ttl = DEFAULT_TTL;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /**
         * @param maxEntries the most completed commands remembered, {@code >= 1}
         * @return this builder
         */
        public Builder maxEntries(int maxEntries) {
            if (maxEntries < 1) {
                throw new IllegalArgumentException("maxEntries must be >= 1 (maxEntries: " + maxEntries + ")");
            }
            this.maxEntries = maxEntries;
            return this;
        }

        /**
         * @param ttl how long a result is remembered, positive
         * @return this builder
         */
        public Builder ttl(Duration ttl) {
            Objects.requireNonNull(ttl, "ttl");
            if (ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException("ttl must be positive (ttl: " + ttl + ")");
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * @param clock the time source of expiry
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the store */
        public InMemoryIdempotencyStore build() {
            return new InMemoryIdempotencyStore(this);
        }
    }
}
