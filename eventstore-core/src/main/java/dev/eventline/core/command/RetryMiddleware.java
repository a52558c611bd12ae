package dev.eventline.core.command;

import dev.eventline.core.ConcurrencyConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Runs a command again when it fails with a {@link ConcurrencyConflictException}, for command types registered as
 * safe to retry, with bounded, jittered exponential backoff.
 * <p>
 * A handler is safe to retry when it reloads its state on every call and has no side effect outside the event
 * store (handlers built on an aggregate repository are). Nothing else is retried: not other failures, not types
 * that were not registered, and not commands whose metadata carries an explicit
 * {@link CommandMetadata#expectedVersion()} (the client's expectation would fail again). Backoff before retry
 * {@code n} (1-based) is a uniformly random duration in {@code [0, min(maxBackoff, initialBackoff * 2^(n-1))]}
 * ("full jitter"), so racing writers spread out. When attempts run out the last conflict is thrown.
 * <p>
 * Place it innermost (right around the handler), inside idempotency. Thread-safety: immutable and safe for
 * concurrent use when the random generator given is (the default is).
 * <pre>{@code
 * RetryMiddleware.builder().retry(Deposit.class, Withdraw.class).maxAttempts(5).build()
 * }</pre>
 *
 * @since 0.1
 */
public final class RetryMiddleware implements CommandMiddleware {

    /** Default attempts in all (first try included): enough for ordinary contention, bounded for hot streams. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default first backoff bound: an append takes about a millisecond, so a few let the winner finish. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(5);
    /** Default backoff cap: keeps a retried command's added latency bounded. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(200);

    /**
     * Waits between attempts; replaceable so tests need not sleep.
     *
     * @since 0.1
     */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * @param duration how long to wait
         * @throws InterruptedException when interrupted
         */
        void sleep(Duration duration) throws InterruptedException;
    }

    private final List<Class<?>> retryable;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final RandomGenerator random;
    private final Sleeper sleeper;

    private RetryMiddleware(Builder builder) {
        this.retryable = List.copyOf(builder.retryable);
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.random = builder.random;
        this.sleeper = builder.sleeper;
    }

    /** @return a builder with no retryable types and the default bounds */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, Next next) {
        if (!isRetryable(command) || context.metadata().expectedVersion() != null) {
            return next.proceed(command, context);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return next.proceed(command, context);
            } catch (ConcurrencyConflictException conflict) {
                if (attempt >= maxAttempts) {
                    throw conflict;
                }
                pause(attempt, conflict);
            }
        }
    }

    private boolean isRetryable(Object command) {
        for (var type : retryable) {
            if (type.isInstance(command)) {
                return true;
            }
        }
        return false;
    }

    private void pause(int attempt, ConcurrencyConflictException conflict) {
        long bound = backoffBound(attempt).toNanos();
        var jitter = random != null ? random : ThreadLocalRandom.current();
        long nanos = jitter.nextLong(bound + 1);
        try {
            sleeper.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    /** @return the backoff bound before retry {@code n}, as documented (for tests and tuning) */
    Duration backoffBound(int retry) {
        long bound = initialBackoff.toNanos() << Math.min(retry - 1, 30);
        return bound <= 0 || bound > maxBackoff.toNanos() ? maxBackoff : Duration.ofNanos(bound);
    }

    /**
     * Configures which command types may be retried and how.
     * <p>
     * Thread-safety: not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final List<Class<?>> retryable = new ArrayList<>();
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private RandomGenerator random;
        private Sleeper sleeper = duration -> Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));

        private Builder() {
        }

        /**
         * @param types command types whose handlers are safe to retry (subtypes included)
         * @return this builder
         */
        public Builder retry(Class<?>... types) {
            Objects.requireNonNull(types, "types");
            for (var type : types) {
                retryable.add(Objects.requireNonNull(type, "types element"));
            }
            return this;
        }

        /**
         * @param maxAttempts attempts in all, first try included, {@code >= 1}. Default
         *     {@value RetryMiddleware#DEFAULT_MAX_ATTEMPTS}
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1 (maxAttempts: " + maxAttempts + ")");
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param initialBackoff the bound of the first pause, {@code >= 0}. Default 5 ms
         * @param maxBackoff the cap of every pause, {@code >= initialBackoff}. Default 200 ms
         * @return this builder
         */
        public Builder backoff(Duration initialBackoff, Duration maxBackoff) {
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
            if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff <= maxBackoff "
                    + "(initialBackoff: " + initialBackoff + ", maxBackoff: " + maxBackoff + ")");
            }
            this.initialBackoff = initialBackoff;
            this.maxBackoff = maxBackoff;
            return this;
        }

        /**
         * @param random the source of jitter; must be thread-safe. Default: {@link ThreadLocalRandom}
         * @return this builder
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * @param sleeper how to wait between attempts. Default: {@link Thread#sleep}
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** @return the immutable middleware */
        public RetryMiddleware build() {
            return new RetryMiddleware(this);
        }
    }
}
