package dev.eventline.core.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that tests move by hand, so that recording times are known in advance.
 * <p>
 * It stands still until {@link #set} or {@link #advance} is called. Thread-safety: safe for concurrent use.
 * <pre>{@code
 * var clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
 * EventStore store = InMemoryEventStore.builder().clock(clock).build();
 * clock.advance(Duration.ofSeconds(5));
 * }</pre>
 *
 * @since 0.1
 */
public final class MutableClock implements InstantSource {

    private final AtomicReference<Instant> now;

    /**
     * @param start the instant the clock shows until it is moved
     */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /**
     * @param instant the instant the clock shows from now on
     * @return {@code instant}, for chaining into assertions
     */
    public Instant set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
        return instant;
    }

    /**
     * @param amount how far to move the clock (may be negative, to simulate a clock stepping back)
     * @return the new instant
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        return now.updateAndGet(current -> current.plus(amount));
    }

    @Override
    public String toString() {
        return "MutableClock[" + now.get() + "]";
    }
}
