package dev.eventline.core.aggregate;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.core.snapshot.SnapshotStrategy;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads aggregates from an {@link EventStore} and handles commands on them: load (snapshot plus tail), decide,
 * append with the loaded version as the expected version, retry on conflict.
 * <p>
 * Guarantees: events are streamed from the store while folding, never collected in a list; a decision is only
 * ever appended on top of exactly the state it was made on ({@link ExpectedVersion#exactly}); on a
 * {@link ConcurrencyConflictException} {@link #handle(String, Object)} reloads and decides again, up to
 * {@code maxRetries} times with jittered exponential backoff. Snapshots are an optimization only: a snapshot of
 * another state revision, a corrupt one, or one beyond the stream's end is ignored (full replay); writing a
 * snapshot happens after the append and a failure there is logged, never thrown to the caller.
 * <p>
 * Thread-safety: immutable after {@link Builder#build()} and safe for concurrent use.
 * <pre>{@code
 * var accounts = AggregateRepository.builder(store, ACCOUNT, serializer)
 *     .snapshots(new InMemorySnapshotStore(), SnapshotStrategy.everyEvents(100))
 *     .build();
 * accounts.handle("42", new Deposit("42", new BigDecimal("10.00")));
 * Account account = accounts.load("42").state();
 * }</pre>
 *
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 * @since 0.1
 */
public final class AggregateRepository<C, E, S> {

    /** Three retries resolve nearly all conflicts on a busy aggregate; more only hides a hot-spot design. */
    public static final int DEFAULT_MAX_RETRIES = 3;
    /** Enough for a competing writer to finish its append in-process or on a LAN database. */
    public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(2);
    /** Caps the wait so that a command's latency stays predictable even after several conflicts. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMillis(100);
    /** How many older snapshots {@link #loadAsOf} tries before it falls back to a full replay. */
    private static final int AS_OF_SNAPSHOT_CANDIDATES = 3;

    private static final Logger LOG = LoggerFactory.getLogger(AggregateRepository.class);

    private final EventStore store;
    private final Aggregate<C, E, S> aggregate;
    private final EventSerializer serializer;
    private final SnapshotStore snapshots;
    private final SnapshotStrategy strategy;
    private final int maxRetries;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final InstantSource clock;
    private final Executor snapshotExecutor;

    private AggregateRepository(Builder<C, E, S> builder) {
        this.store = builder.store;
        this.aggregate = builder.aggregate;
        this.serializer = builder.serializer;
        this.snapshots = builder.snapshots;
        this.strategy = builder.strategy;
        this.maxRetries = builder.maxRetries;
        this.initialBackoffNanos = builder.initialBackoff.toNanos();
        this.maxBackoffNanos = builder.maxBackoff.toNanos();
        this.clock = builder.clock;
        this.snapshotExecutor = builder.snapshotExecutor;
    }

    /**
     * @param store where the aggregate's events live
     * @param aggregate the aggregate type
     * @param serializer turns its events into stored JSON and back (every event class must be registered)
     * @param <C> the command type
     * @param <E> the event type
     * @param <S> the state type
     * @return a builder with the defaults: no snapshots, {@value #DEFAULT_MAX_RETRIES} retries, system clock
     */
    public static <C, E, S> Builder<C, E, S> builder(EventStore store, Aggregate<C, E, S> aggregate,
                                                     EventSerializer serializer) {
        return new Builder<>(store, aggregate, serializer);
    }

    /** @return the aggregate type this repository loads */
    public Aggregate<C, E, S> aggregate() {
        return aggregate;
    }

    /**
     * Loads the current state, starting from the latest usable snapshot when snapshots are configured.
     *
     * @param id the aggregate id
     * @return the state and the version it reflects; the initial state at version 0 for a new aggregate
     * @throws SerializationException when a stored event cannot be read
     */
    public Loaded<S> load(String id) {
        return load(id, true);
    }

    /**
     * Loads the current state.
     *
     * @param id the aggregate id
     * @param useSnapshot false to replay every event from the start, ignoring snapshots
     * @return the state and the version it reflects
     * @throws SerializationException when a stored event cannot be read
     */
    public Loaded<S> load(String id, boolean useSnapshot) {
        String streamId = aggregate.streamId(id);
        Optional<Snapshot> snapshot = useSnapshot && snapshots != null ? snapshots.latest(streamId) : Optional.empty();
        return replayFrom(id, streamId, snapshot, Long.MAX_VALUE, null);
    }

    /**
     * Loads the state as it was right after the event at {@code version}: time travel by version. Only snapshots
     * at or before {@code version} are used.
     *
     * @param id the aggregate id
     * @param version the version to stop at, {@code >= 0}; a version beyond the stream's end gives the current
     *     state (check {@link Loaded#version()})
     * @return the state after the events up to {@code version}
     */
    public Loaded<S> loadAtVersion(String id, long version) {
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0 (version: " + version + ")");
        }
        String streamId = aggregate.streamId(id);
        Optional<Snapshot> snapshot = snapshots == null || version == 0
            ? Optional.empty() : snapshots.latestAtOrBefore(streamId, version);
        return replayFrom(id, streamId, snapshot, version, null);
    }

    /**
     * Loads the state as it was at {@code instant}: the fold of the stream's events up to the first one recorded
     * after {@code instant}. Only a snapshot whose last event was recorded at or before {@code instant} is used.
     *
     * @param id the aggregate id
     * @param instant the moment to look at (inclusive)
     * @return the state at {@code instant}; the initial state at version 0 when nothing had happened yet
     */
    public Loaded<S> loadAsOf(String id, Instant instant) {
        Objects.requireNonNull(instant, "instant");
        String streamId = aggregate.streamId(id);
        Optional<Snapshot> snapshot = snapshots == null ? Optional.empty() : snapshotAsOf(streamId, instant);
        return replayFrom(id, streamId, snapshot, Long.MAX_VALUE, instant);
    }

    /**
     * Handles a command: loads the aggregate, runs {@code decide}, and appends the events expecting exactly the
     * loaded version. On a concurrency conflict it reloads and decides again, up to {@code maxRetries} times.
     *
     * @param id the aggregate id
     * @param command the command
     * @return what was appended; no events (and {@code previousVersion == currentVersion}) when {@code decide}
     *     returned none
     * @throws ConcurrencyConflictException when every attempt conflicted
     * @throws RuntimeException whatever {@code decide} throws to reject the command; nothing is appended
     */
    public AppendResult handle(String id, C command) {
        return handle(id, command, EventMetadata.empty());
    }

    /**
     * Handles a command as {@link #handle(String, Object)}, stamping every event with {@code metadata}.
     *
     * @param id the aggregate id
     * @param command the command
     * @param metadata the metadata of every appended event (correlation, causation, principal, tenant)
     * @return what was appended
     * @throws ConcurrencyConflictException when every attempt conflicted
     */
    public AppendResult handle(String id, C command, EventMetadata metadata) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(metadata, "metadata");
        for (int attempt = 0; ; attempt++) {
            Loaded<S> loaded = load(id);
            try {
                return decideAndAppend(loaded, command, metadata);
            } catch (ConcurrencyConflictException e) {
                if (attempt >= maxRetries) {
                    throw e;
                }
                LOG.debug("Conflict on '{}' at version {} (attempt {} of {}); reloading and deciding again",
                    loaded.streamId(), loaded.version(), attempt + 1, maxRetries + 1);
                backoff(attempt, e);
            }
        }
    }

    /**
     * Handles a command once, with the caller's expectation of the stream (for example the version a client
     * saw): no retry. The expectation is checked against the loaded state before {@code decide} runs, and the
     * append still expects exactly the loaded version, so a decision is never appended on top of events it did
     * not see.
     *
     * @param id the aggregate id
     * @param command the command
     * @param expected what the caller expects of the stream
     * @return what was appended
     * @throws ConcurrencyConflictException when the stream does not satisfy {@code expected}, or changed between
     *     load and append
     */
    public AppendResult handle(String id, C command, ExpectedVersion expected) {
        return handle(id, command, expected, EventMetadata.empty());
    }

    /**
     * Handles a command once, as {@link #handle(String, Object, ExpectedVersion)}, stamping every event with
     * {@code metadata}.
     *
     * @param id the aggregate id
     * @param command the command
     * @param expected what the caller expects of the stream
     * @param metadata the metadata of every appended event
     * @return what was appended
     * @throws ConcurrencyConflictException when the stream does not satisfy {@code expected}, or changed between
     *     load and append
     */
    public AppendResult handle(String id, C command, ExpectedVersion expected, EventMetadata metadata) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(metadata, "metadata");
        Loaded<S> loaded = load(id);
        if (!expected.isSatisfiedBy(loaded.version())) {
            throw new ConcurrencyConflictException(loaded.streamId(), expected, loaded.version(), 0);
        }
        return decideAndAppend(loaded, command, metadata);
    }

    private AppendResult decideAndAppend(Loaded<S> loaded, C command, EventMetadata metadata) {
        List<E> events = aggregate.decide().decide(command, loaded.state());
        Objects.requireNonNull(events, "decide returned null; return List.of() when nothing happens");
        if (events.isEmpty()) {
            return new AppendResult(loaded.streamId(), loaded.version(), loaded.version(), List.of());
        }
        List<EventData> data = new ArrayList<>(events.size());
        for (E event : events) {
            data.add(serializer.serialize(event, metadata));
        }
        AppendResult result = store.append(loaded.streamId(), ExpectedVersion.exactly(loaded.version()), data);
        if (snapshots != null && strategy.shouldSnapshot(result.previousVersion(), result.currentVersion())) {
            takeSnapshot(loaded, events, result);
        }
        return result;
    }

    private void takeSnapshot(Loaded<S> loaded, List<E> events, AppendResult result) {
        try {
            snapshotExecutor.execute(() -> {
                try {
                    S state = aggregate.fold(loaded.state(), events);
                    snapshots.save(new Snapshot(result.streamId(), result.currentVersion(),
                        aggregate.stateRevision(), serializer.toJson(state), clock.instant()));
                } catch (RuntimeException e) {
                    // the events are committed: failing the command now would invite a duplicate retry
                    LOG.warn("Snapshot of '{}' at version {} not saved; the next load replays more events. "
                        + "Cause: {}", result.streamId(), result.currentVersion(), e.toString(), e);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("Snapshot of '{}' at version {} not scheduled (executor refused it): {}",
                result.streamId(), result.currentVersion(), e.toString(), e);
        }
    }

    private Loaded<S> replayFrom(String id, String streamId, Optional<Snapshot> snapshot, long toVersion,
                                 Instant asOf) {
        if (snapshot.isPresent()) {
            Snapshot usable = snapshot.get();
            S state = readSnapshot(usable);
            if (state != null) {
                Loaded<S> loaded = replay(id, streamId, state, usable.version(), toVersion, asOf);
                if (loaded.eventsReplayed() > 0 || store.streamVersion(streamId) >= usable.version()) {
                    return loaded;
                }
                LOG.warn("Ignoring snapshot of '{}' at version {}: the stream ends at version {}. Replaying the "
                    + "stream in full; delete the stale snapshots.", streamId, usable.version(),
                    store.streamVersion(streamId));
            }
        }
        return replay(id, streamId, aggregate.initialState(), 0, toVersion, asOf);
    }

    private S readSnapshot(Snapshot snapshot) {
        if (snapshot.stateRevision() != aggregate.stateRevision()) {
            LOG.debug("Ignoring snapshot of '{}' at version {}: state revision {} is not the current {}",
                snapshot.streamId(), snapshot.version(), snapshot.stateRevision(), aggregate.stateRevision());
            return null;
        }
        try {
            return serializer.fromJson(snapshot.state(), aggregate.stateType());
        } catch (SerializationException e) {
            LOG.warn("Ignoring corrupt snapshot of '{}' at version {} (state revision {}); replaying the stream in "
                + "full. Delete the snapshot or bump the aggregate's state revision. Cause: {}",
                snapshot.streamId(), snapshot.version(), snapshot.stateRevision(), e.getMessage());
            return null;
        }
    }

    private Optional<Snapshot> snapshotAsOf(String streamId, Instant instant) {
        Optional<Snapshot> candidate = snapshots.latest(streamId);
        for (int tries = 0; tries < AS_OF_SNAPSHOT_CANDIDATES && candidate.isPresent(); tries++) {
            long version = candidate.get().version();
            boolean recordedBefore;
            try (Stream<RecordedEvent> last = store.readStream(streamId, ReadDirection.FORWARDS, version, 1)) {
                recordedBefore = last.findFirst().map(event -> !event.recordedAt().isAfter(instant)).orElse(false);
            }
            if (recordedBefore) {
                return candidate;
            }
            candidate = version <= 1 ? Optional.empty() : snapshots.latestAtOrBefore(streamId, version - 1);
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private Loaded<S> replay(String id, String streamId, S initial, long fromVersion, long toVersion, Instant asOf) {
        S state = initial;
        long version = fromVersion;
        long replayed = 0;
        // not Long.MAX_VALUE when unbounded: a store computing "from + maxCount" must not overflow
        long maxCount = toVersion == Long.MAX_VALUE ? Long.MAX_VALUE - fromVersion - 1 : toVersion - fromVersion;
        if (maxCount > 0) {
            try (Stream<RecordedEvent> events = store.readStream(streamId, ReadDirection.FORWARDS, fromVersion + 1,
                maxCount)) {
                Iterator<RecordedEvent> iterator = events.iterator();
                while (iterator.hasNext()) {
                    RecordedEvent event = iterator.next();
                    if (asOf != null && event.recordedAt().isAfter(asOf)) {
                        break;
                    }
                    // the serializer returns the registered class; E is that class's aggregate event supertype
                    state = aggregate.evolve().evolve(state, (E) serializer.deserialize(event));
                    version = event.version();
                    replayed++;
                }
            }
        }
        return new Loaded<>(id, streamId, state, version, replayed, fromVersion);
    }

    private void backoff(int attempt, ConcurrencyConflictException conflict) {
        long cap = Math.min(maxBackoffNanos, initialBackoffNanos << Math.min(attempt, 20));
        if (cap <= 0) {
            return;
        }
        // "equal jitter": at least half the cap, so retries spread out without collapsing to zero
        long sleep = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
        try {
            TimeUnit.NANOSECONDS.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    @Override
    public String toString() {
        return "AggregateRepository[" + aggregate.type() + ", snapshots=" + snapshots + ", maxRetries="
            + maxRetries + "]";
    }

    /**
     * Configures an {@link AggregateRepository}; {@link #build()} validates everything.
     * <p>
     * Thread-safety: not thread-safe; use one builder from one thread.
     *
     * @param <C> the command type
     * @param <E> the event type
     * @param <S> the state type
     */
    public static final class Builder<C, E, S> {

        private final EventStore store;
        private final Aggregate<C, E, S> aggregate;
        private final EventSerializer serializer;
        private SnapshotStore snapshots;
        private SnapshotStrategy strategy = SnapshotStrategy.defaultStrategy();
        private int maxRetries = DEFAULT_MAX_RETRIES;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private InstantSource clock = InstantSource.system();
        private Executor snapshotExecutor = Runnable::run;

        private Builder(EventStore store, Aggregate<C, E, S> aggregate, EventSerializer serializer) {
            this.store = Objects.requireNonNull(store, "store");
            this.aggregate = Objects.requireNonNull(aggregate, "aggregate");
            this.serializer = Objects.requireNonNull(serializer, "serializer");
        }

        /**
         * Enables snapshots (default: none).
         *
         * @param snapshots where snapshots are kept
         * @param strategy when to take one, e.g. {@link SnapshotStrategy#everyEvents(int)}
         * @return this builder
         */
        public Builder<C, E, S> snapshots(SnapshotStore snapshots, SnapshotStrategy strategy) {
            this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * @param maxRetries how many times {@link #handle(String, Object)} reloads and decides again after a
         *     conflict, {@code >= 0} (default {@value #DEFAULT_MAX_RETRIES})
         * @return this builder
         */
        public Builder<C, E, S> maxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param initial the wait before the first retry (default 2 ms); doubled per retry, with jitter
         * @param max the longest wait (default 100 ms)
         * @return this builder
         */
        public Builder<C, E, S> retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = Objects.requireNonNull(initial, "initial");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * @param clock the clock stamping snapshots' {@code takenAt} (default: system clock)
         * @return this builder
         */
        public Builder<C, E, S> clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param executor runs snapshot writes (default: the calling thread, right after the append); pass an
         *     executor to take them off the command's path entirely
         * @return this builder
         */
        public Builder<C, E, S> snapshotExecutor(Executor executor) {
            this.snapshotExecutor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @return the repository
         * @throws ConfigurationException when a setting is out of range, or snapshots are enabled and the
         *     initial state does not survive a JSON round trip
         */
        public AggregateRepository<C, E, S> build() {
            if (maxRetries < 0) {
                throw new ConfigurationException("maxRetries must be >= 0 (maxRetries: " + maxRetries
                    + "). Use 0 to never retry.");
            }
            if (initialBackoff.isNegative() || maxBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
                throw new ConfigurationException("retry backoff must satisfy 0 <= initial <= max (initial: "
                    + initialBackoff + ", max: " + maxBackoff + ")");
            }
            if (snapshots != null) {
                checkStateRoundTrip();
            }
            return new AggregateRepository<>(this);
        }

        private void checkStateRoundTrip() {
            try {
                serializer.fromJson(serializer.toJson(aggregate.initialState()), aggregate.stateType());
            } catch (SerializationException e) {
                throw new ConfigurationException("Snapshots are enabled for aggregate '" + aggregate.type()
                    + "', but its state " + aggregate.stateType().getName() + " cannot be written and read back "
                    + "as JSON. Make it a record of JSON-friendly fields, or do not enable snapshots.", e);
            }
        }
    }
}
