package dev.eventline.saga;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventStore;
import dev.eventline.core.EventStoreException;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.projections.CheckpointStore;
import dev.eventline.saga.internal.MicrometerSagaMetrics;
import dev.eventline.saga.internal.SagaMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sagas: follows the event log like a projection, routes events to saga instances, sends their commands,
 * fires their deadlines and runs their compensations.
 * <p>
 * Guarantees:
 * <ul>
 *   <li><b>Durable instances.</b> Each instance lives in its own stream, {@code saga-<type>-<id>}: the inputs it
 *   received (start data, correlated events, passed deadlines), then for each input the new state, the commands
 *   sent with their ids and outcomes, the compensation stack, the deadlines and the status. Nothing lives only in
 *   memory; a restarted runner continues where the stream ends, on any {@link EventStore}.</li>
 *   <li><b>Each (instance, input) handled once.</b> Inputs get deterministic record ids (a re-routed event is
 *   not received twice) and handling is recorded with the stream version as expected version. Commands are sent
 *   <em>before</em> they are recorded, with ids derived from (saga, input, step): after a crash between the two
 *   the same command is sent again with the same id, which an idempotent command bus deduplicates.</li>
 *   <li><b>Isolation.</b> Instances are processed in parallel; an instance whose processing throws is retried
 *   with exponential backoff and, after {@link Builder#maxAttempts(int)} attempts, parked as
 *   {@link SagaStatus#FAILED} with the error. It never holds up other instances, the log or the deadlines.
 *   {@link #retry} resumes it.</li>
 *   <li><b>Deadlines</b> are part of the instance's records and fire from the injected {@link InstantSource};
 *   one that passed while the runner was down fires right after it starts.</li>
 * </ul>
 * The log follower keeps a checkpoint in the stream {@code saga--checkpoint-<name>}. At start it reads the saga
 * records in the log from the beginning to rebuild its in-memory index (status, deadlines), so start-up time grows
 * with the log. With several JVMs, give each runner the same {@link Builder#lease lease}: only the holder works,
 * and a standby takes over when it lapses. (Without a lease, two runners stay correct, because every record is
 * appended with an expected version, but both would send the commands.)
 * <p>
 * Thread-safety: safe for concurrent use after {@link Builder#build()}; {@link #close()} is idempotent.
 * <pre>{@code
 * try (SagaRunner runner = SagaRunner.builder(store, command -> bus.send(command.payload(),
 *             CommandMetadata.empty().withCommandId(command.commandId().toString())))
 *         .register(TransferSaga.TYPE)
 *         .build()) {
 *     runner.start();
 *     String id = runner.startSaga(TransferSaga.TYPE, new Transfer("a-1", "a-2", new BigDecimal("10.00")));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class SagaRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SagaRunner.class);
    /** Lifecycle states: built, started, closed (never back). */
    private static final int NEW = 0;
    private static final int RUNNING = 1;
    private static final int CLOSED = 2;

    private final SagaEngine engine;
    private final ScheduledThreadPoolExecutor executor;
    private final Duration pollInterval;
    private final int batchSize;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Duration closeGracePeriod;
    private final SagaMetrics metrics;
    private final ConcurrentHashMap<SagaIndex.Key, Boolean> work = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SagaIndex.Key, Integer> attempts = new ConcurrentHashMap<>();
    private final AtomicInteger lifecycle = new AtomicInteger(NEW);
    private final CheckpointStore leases;
    private final Duration leaseTimeout;
    private final String leaseName;
    private final String ownerId = UUID.randomUUID().toString();
    private volatile boolean owner;
    private long lastRenewal;

    private SagaRunner(Builder builder, SagaMetrics metrics) {
        this.metrics = metrics;
        this.engine = new SagaEngine(builder.store, builder.dispatcher, builder.types, builder.clock,
            builder.objectMapper, builder.serializer, builder.isTransient, metrics, builder.name, builder.batchSize,
            builder.checkpointInterval, () -> lifecycle.get() == CLOSED);
        this.pollInterval = builder.pollInterval;
        this.batchSize = builder.batchSize;
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoff = builder.initialBackoff;
        this.maxBackoff = builder.maxBackoff;
        this.executor = new ScheduledThreadPoolExecutor(builder.workerThreads + 1, builder.threadFactory);
        this.executor.setRemoveOnCancelPolicy(true);
        // On close, work not yet begun is dropped (the next runner redoes it from the streams); only work in
        // progress is let finish.
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.closeGracePeriod = builder.closeGracePeriod;
        this.leases = builder.leases;
        this.leaseTimeout = builder.leaseTimeout;
        this.leaseName = "saga-" + builder.name;
        this.owner = leases == null;
    }

    /**
     * @param store the event store holding the events sagas react to, and the saga streams
     * @param dispatcher sends the sagas' commands (usually one line around a command bus)
     * @return a builder
     */
    public static Builder builder(EventStore store, SagaCommandDispatcher dispatcher) {
        return new Builder(store, dispatcher);
    }

    /**
     * Starts following the log, processing instances and firing deadlines on the runner's threads.
     *
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        if (!lifecycle.compareAndSet(NEW, RUNNING)) {
            throw new IllegalStateException("SagaRunner was already started or closed; build a new one.");
        }
        engine.loadCheckpoint();
        engine.workSink(this::schedule);
        executor.scheduleWithFixedDelay(this::follow, 0, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Starts a saga instance explicitly, with a new random id.
     *
     * @param type a registered saga type with an explicit start ({@code startedBy(dataClass, handler)})
     * @param data the starting data
     * @return the new instance's id
     */
    public String startSaga(SagaType<?> type, Object data) {
        return startSaga(type, UUID.randomUUID().toString(), data);
    }

    /**
     * Starts a saga instance explicitly. Starting the same id again with equal data does nothing (safe to
     * retry); with other data it fails.
     *
     * @param type a registered saga type with an explicit start ({@code startedBy(dataClass, handler)})
     * @param sagaId the instance's id
     * @param data the starting data
     * @return {@code sagaId}
     * @throws IllegalArgumentException when the type is not registered or has no explicit start, or the data has
     *     the wrong class
     * @throws IllegalStateException when the id was already started with other data
     * @throws dev.eventline.core.ConcurrencyConflictException when the id was already started by an event
     */
    public String startSaga(SagaType<?> type, String sagaId, Object data) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(sagaId, "sagaId");
        Objects.requireNonNull(data, "data");
        if (sagaId.isBlank()) {
            throw new IllegalArgumentException("sagaId must not be blank");
        }
        return engine.startSaga(type, sagaId, data);
    }

    /**
     * Loads an instance from its stream, in full.
     *
     * @param sagaType the saga type's name
     * @param sagaId the instance's id
     * @return the instance, or empty when it does not exist
     */
    public Optional<SagaInstance> find(String sagaType, String sagaId) {
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(sagaId, "sagaId");
        return engine.find(sagaType, sagaId);
    }

    /**
     * Loads an instance of any registered type (the first type, in registration order, that has this id).
     *
     * @param sagaId the instance's id
     * @return the instance, or empty when no registered type has it
     */
    public Optional<SagaInstance> find(String sagaId) {
        Objects.requireNonNull(sagaId, "sagaId");
        for (String type : engine.types().keySet()) {
            Optional<SagaInstance> found = engine.find(type, sagaId);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * Lists the instances this runner knows of (those whose records it has read), oldest first.
     *
     * @param status the status to list
     * @return the matching instances of every type
     */
    public List<SagaSummary> list(SagaStatus status) {
        Objects.requireNonNull(status, "status");
        return engine.index().list(null, status);
    }

    /**
     * @param sagaType the saga type's name
     * @return every instance of that type this runner knows of, oldest first
     */
    public List<SagaSummary> list(String sagaType) {
        Objects.requireNonNull(sagaType, "sagaType");
        return engine.index().list(sagaType, null);
    }

    /**
     * @param sagaType the saga type's name
     * @param status the status to list
     * @return the matching instances, oldest first
     */
    public List<SagaSummary> list(String sagaType, SagaStatus status) {
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(status, "status");
        return engine.index().list(sagaType, status);
    }

    /**
     * Resumes a {@link SagaStatus#FAILED} instance: it goes back to the status it had (running or compensating)
     * and the work that failed is tried again. A rejected compensation is sent again with a new command id.
     *
     * @param sagaType the saga type's name
     * @param sagaId the instance's id
     * @throws SagaNotFoundException when there is no such instance
     * @throws IllegalStateException when the instance is not FAILED
     */
    public void retry(String sagaType, String sagaId) {
        Objects.requireNonNull(sagaType, "sagaType");
        Objects.requireNonNull(sagaId, "sagaId");
        attempts.remove(new SagaIndex.Key(sagaType, sagaId));
        engine.retry(sagaType, sagaId);
    }

    /** @return true once the log follower has read the whole log at least once since {@link #start()} */
    public boolean isCaughtUp() {
        return engine.isCaughtUp();
    }

    /**
     * Stops the runner: no new work starts, a command in flight gets {@link Builder#closeGracePeriod} to finish
     * and be recorded, then the threads still busy are interrupted. Work not done is redone by the next runner,
     * from the streams; a command that fails because of the shutdown is not recorded as rejected, so it never
     * starts a compensation. Idempotent.
     */
    @Override
    public void close() {
        if (lifecycle.getAndSet(CLOSED) == CLOSED) {
            return;
        }
        // Interrupting a thread inside a JDBC driver can break more than the call: H2 closes its database file
        // when an interrupt hits its I/O. So interrupt only what the grace period did not let finish.
        executor.shutdown();
        try {
            if (!executor.awaitTermination(closeGracePeriod.toNanos(), TimeUnit.NANOSECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("SagaRunner threads did not stop within 10 s of being interrupted; a dispatcher call"
                        + " may be blocked.");
                    return;
                }
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
            return;
        }
        if (leases != null && owner) {
            try {
                leases.releaseLease(leaseName, ownerId);
            } catch (RuntimeException e) {
                // The lease then lapses after its timeout instead of now.
                LOG.warn("SagaRunner '{}' could not release its lease", leaseName, e);
            }
        }
        try {
            engine.flushCheckpoint();
        } catch (RuntimeException e) {
            // Closing must not fail on a store that is down; the next runner re-reads a little more of the log.
            LOG.warn("SagaRunner could not save its checkpoint on close", e);
        }
    }

    private boolean isRunning() {
        return lifecycle.get() == RUNNING;
    }

    /**
     * @return true when this runner is the one that processes its saga types: always without a lease, else while
     *     it holds the lease
     */
    public boolean isOwner() {
        return owner;
    }

    private void follow() {
        try {
            if (leases != null && !holdLease()) {
                return;
            }
            while (isRunning() && engine.pollOnce() >= batchSize) {
                // keep reading while the log returns full batches
            }
            if (isRunning()) {
                engine.fireDueDeadlines();
            }
        } catch (Exception e) {
            // Thread root: a failing poll (for example the database is down) is retried on the next tick.
            LOG.warn("Saga log follower failed; retrying in {}", pollInterval, e);
        }
    }

    /** Takes or renews the lease (renewing at a third of its timeout); returns whether this runner owns it. */
    private boolean holdLease() {
        long now = System.nanoTime();
        if (owner && now - lastRenewal < leaseTimeout.toNanos() / 3) {
            return true;
        }
        boolean acquired;
        try {
            acquired = leases.tryAcquireLease(leaseName, ownerId, false, leaseTimeout);
        } catch (RuntimeException e) {
            // Thread root: without a renewed lease another runner may take over, so stop working until renewed.
            LOG.warn("SagaRunner '{}' could not renew its lease; pausing until it can", leaseName, e);
            acquired = false;
        }
        if (acquired) {
            lastRenewal = now;
            if (!owner) {
                // A new owner re-reads the log: the previous owner may have routed events after its last
                // checkpoint, and routing them again is idempotent.
                engine.restartFollowing();
                owner = true;
                LOG.info("SagaRunner '{}' ({}) now owns its saga types", leaseName, ownerId);
            }
        } else if (owner) {
            owner = false;
            LOG.warn("SagaRunner '{}' ({}) lost its lease; another runner owns its saga types now", leaseName,
                ownerId);
        }
        return acquired;
    }

    private void schedule(SagaIndex.Key key) {
        if (!isRunning() || !owner) {
            return;
        }
        boolean[] submit = {false};
        work.compute(key, (k, rerun) -> {
            if (rerun == null) {
                submit[0] = true;
                return Boolean.FALSE;
            }
            return Boolean.TRUE;
        });
        if (submit[0]) {
            execute(key, Duration.ZERO);
        }
    }

    private void execute(SagaIndex.Key key, Duration delay) {
        try {
            if (delay.isZero()) {
                executor.execute(() -> runWork(key));
            } else {
                executor.schedule(() -> runWork(key), delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            // Closed meanwhile: the work is redone by the next runner, from the stream.
            work.remove(key);
        }
    }

    private void runWork(SagaIndex.Key key) {
        if (!isRunning() || !owner) {
            work.remove(key);
            return;
        }
        try {
            engine.process(key);
            attempts.remove(key);
        } catch (Exception e) {
            // Thread root: an instance that fails is retried with backoff, then parked; others go on.
            if (!isRunning()) {
                return;
            }
            int attempt = attempts.merge(key, 1, Integer::sum);
            if (attempt >= maxAttempts) {
                try {
                    engine.park(key, e);
                    attempts.remove(key);
                } catch (Exception parkFailure) {
                    parkFailure.addSuppressed(e);
                    LOG.warn("Saga '{}' of type '{}' could not be parked; retrying", key.sagaId(), key.sagaType(),
                        parkFailure);
                    execute(key, backoff(attempt));
                    return;
                }
            } else {
                metrics.retried(key.sagaType());
                LOG.debug("Saga '{}' of type '{}' failed (attempt {}); retrying", key.sagaId(), key.sagaType(),
                    attempt, e);
                execute(key, backoff(attempt));
                return;
            }
        }
        Boolean rerun = work.compute(key, (k, again) -> Boolean.TRUE.equals(again) ? Boolean.FALSE : null);
        if (rerun != null) {
            execute(key, Duration.ZERO);
        }
    }

    private Duration backoff(int attempt) {
        long base = initialBackoff.toNanos() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, maxBackoff.toNanos());
        long jitter = ThreadLocalRandom.current().nextLong(capped / 5 + 1);
        return Duration.ofNanos(capped - capped / 10 + jitter);
    }

    /**
     * Builds a {@link SagaRunner}. Not thread-safe; {@link #build()} validates everything.
     *
     * @since 0.1
     */
    public static final class Builder {
        /** Deadlines and new events are noticed within this time; 200 ms keeps an idle runner cheap. */
        public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
        /** Events read from the log per query: large enough to catch up fast, small enough for little memory. */
        public static final int DEFAULT_BATCH_SIZE = 500;
        /** Threads processing instances; commands are I/O bound, and two keep a small database busy enough. */
        public static final int DEFAULT_WORKER_THREADS = 2;
        /** Attempts before an instance is parked as FAILED: rides out a short outage, parks real bugs soon. */
        public static final int DEFAULT_MAX_ATTEMPTS = 5;
        /** First retry delay, doubled per attempt. */
        public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(200);
        /** Longest retry delay. */
        public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
        /**
         * How often, at most, the log follower saves its checkpoint: routing is idempotent, so a checkpoint that
         * lags only costs re-reading a few seconds of log after a restart, while saving per batch would add an
         * event to the store every poll.
         */
        public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);
        /**
         * How long a lease lasts unless renewed: a standby runner takes over this long after the owner died; it is
         * renewed every third of it.
         */
        public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(15);
        /**
         * How long {@link SagaRunner#close()} lets a command in flight finish before interrupting it: a command
         * takes milliseconds, and 5 s rides out a slow database without holding a shutdown up for long.
         */
        public static final Duration DEFAULT_CLOSE_GRACE_PERIOD = Duration.ofSeconds(5);
        /** The checkpoint name when only one runner follows the log. */
        public static final String DEFAULT_NAME = "default";

        private static final Pattern RUNNER_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
        private static final AtomicLong THREADS = new AtomicLong();

        private final EventStore store;
        private final SagaCommandDispatcher dispatcher;
        private final Map<String, SagaType<?>> types = new LinkedHashMap<>();
        private InstantSource clock = InstantSource.system();
        private ObjectMapper objectMapper;
        private EventSerializer serializer;
        private Object meterRegistry;
        private Predicate<Throwable> isTransient = Builder::isRetryableStoreError;
        private String name = DEFAULT_NAME;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int workerThreads = DEFAULT_WORKER_THREADS;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration closeGracePeriod = DEFAULT_CLOSE_GRACE_PERIOD;
        private ThreadFactory threadFactory;
        private CheckpointStore leases;
        private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;

        private Builder(EventStore store, SagaCommandDispatcher dispatcher) {
            this.store = Objects.requireNonNull(store, "store");
            this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
        }

        /**
         * @param type a saga type to run; names must be unique
         * @return this builder
         */
        public Builder register(SagaType<?> type) {
            Objects.requireNonNull(type, "type");
            if (types.putIfAbsent(type.name(), type) != null) {
                throw new IllegalArgumentException("Saga type '" + type.name() + "' is registered twice.");
            }
            return this;
        }

        /**
         * @param clock the clock deadlines are scheduled and fired by (default: the system clock)
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param objectMapper reads event payloads, starting data and states, writes states and commands (default:
         *     {@link EventSerializer#defaultObjectMapper()})
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper");
            return this;
        }

        /**
         * Reads events the way the application's aggregates do: upcast first (so sagas see the newest type and
         * schema of every event), then read with the serializer's mapper, which replaces {@link #objectMapper}.
         *
         * @param serializer the application's event serializer
         * @return this builder
         */
        public Builder serializer(EventSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Publishes saga metrics (see the module README) to a Micrometer registry. Without one, no Micrometer
         * class is loaded.
         *
         * @param registry the registry
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @param isTransient tells, for an exception thrown by the dispatcher, whether the command may succeed
         *     later (retry the instance with backoff) rather than having been rejected (default: an
         *     {@link EventStoreException} whose {@code isRetryable()} is true). Storage failures, failures
         *     from an interrupted thread and failures while the runner is closing are never rejections, whatever
         *     this says
         * @return this builder
         */
        public Builder transientFailures(Predicate<Throwable> isTransient) {
            this.isTransient = Objects.requireNonNull(isTransient, "isTransient");
            return this;
        }

        /**
         * @param name names the runner's checkpoint; runners following the same store for different saga types
         *     need different names ({@code [a-z_][a-z0-9_]{0,62}}, default {@value #DEFAULT_NAME})
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param pollInterval how often the log and the deadlines are checked when idle (default 200 ms)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /**
         * @param checkpointInterval how often, at most, the log follower saves where it is (default 5 s); it is
         *     also saved when the runner closes
         * @return this builder
         */
        public Builder checkpointInterval(Duration checkpointInterval) {
            this.checkpointInterval = Objects.requireNonNull(checkpointInterval, "checkpointInterval");
            return this;
        }

        /**
         * @param batchSize events read from the log per query (default 500)
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param workerThreads threads processing instances in parallel (default 2)
         * @return this builder
         */
        public Builder workerThreads(int workerThreads) {
            this.workerThreads = workerThreads;
            return this;
        }

        /**
         * @param maxAttempts attempts before a failing instance is parked as FAILED (default 5)
         * @return this builder
         */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * @param initial the first retry delay, doubled per attempt (default 200 ms)
         * @param max the longest retry delay (default 30 s)
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.initialBackoff = Objects.requireNonNull(initial, "initial");
            this.maxBackoff = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * @param gracePeriod how long {@link SagaRunner#close()} lets the commands in flight finish (and be
         *     recorded) before interrupting the threads still busy (default 5 s; zero interrupts at once)
         * @return this builder
         */
        public Builder closeGracePeriod(Duration gracePeriod) {
            this.closeGracePeriod = Objects.requireNonNull(gracePeriod, "gracePeriod");
            return this;
        }

        /**
         * Makes this runner one of several (one per JVM) of which only the holder of a lease works: the lease named
         * {@code saga-<name>} in the projections' lease table. Use the same {@link #name} and the same saga types
         * on every instance; a standby takes over when the owner's lease lapses.
         *
         * @param leases where leases are kept ({@link CheckpointStore#jdbc} for several JVMs)
         * @param timeout how long a lease lasts unless renewed (renewed every third of it)
         * @return this builder
         */
        public Builder lease(CheckpointStore leases, Duration timeout) {
            this.leases = Objects.requireNonNull(leases, "leases");
            this.leaseTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param threadFactory makes the runner's threads (default: named daemon platform threads)
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * @return the runner, not yet started
         * @throws ConfigurationException when a setting is invalid
         */
        public SagaRunner build() {
            var problems = new ArrayList<String>();
            if (types.isEmpty()) {
                problems.add("no saga type registered (call register(type))");
            }
            if (!RUNNER_NAME.matcher(name).matches()) {
                problems.add("name '" + name + "' must match [a-z_][a-z0-9_]{0,62}");
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                problems.add("pollInterval must be > 0 (pollInterval: " + pollInterval + ")");
            }
            if (checkpointInterval.isNegative()) {
                problems.add("checkpointInterval must be >= 0 (checkpointInterval: " + checkpointInterval + ")");
            }
            if (closeGracePeriod.isNegative()) {
                problems.add("closeGracePeriod must be >= 0 (closeGracePeriod: " + closeGracePeriod + ")");
            }
            if (leaseTimeout.compareTo(Duration.ofMillis(300)) < 0) {
                problems.add("lease timeout must be >= 300 ms (timeout: " + leaseTimeout + ")");
            }
            if (batchSize < 1 || batchSize > 10_000) {
                problems.add("batchSize must be in 1..10000 (batchSize: " + batchSize + ")");
            }
            if (workerThreads < 1) {
                problems.add("workerThreads must be >= 1 (workerThreads: " + workerThreads + ")");
            }
            if (maxAttempts < 1) {
                problems.add("maxAttempts must be >= 1 (maxAttempts: " + maxAttempts + ")");
            }
            if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
                problems.add("retryBackoff needs 0 < initial <= max (initial: " + initialBackoff + ", max: "
                    + maxBackoff + ")");
            }
            if (!problems.isEmpty()) {
                throw new ConfigurationException("Invalid SagaRunner configuration: " + String.join("; ", problems)
                    + ".");
            }
            if (objectMapper == null) {
                objectMapper = EventSerializer.defaultObjectMapper();
            }
            if (threadFactory == null) {
                threadFactory = runnable -> {
                    Thread thread = new Thread(runnable, "eventline-saga-" + name + "-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                };
            }
            SagaRunner[] runner = new SagaRunner[1];
            SagaMetrics metrics = meterRegistry == null ? SagaMetrics.NOOP
                : MicrometerSagaMetrics.create(meterRegistry, types.keySet(),
                    Arrays.stream(SagaStatus.values()).map(Enum::name).toList(),
                    (type, status) -> runner[0] == null ? 0
                        : runner[0].engine.index().count(type, SagaStatus.valueOf(status)));
            runner[0] = new SagaRunner(this, metrics);
            return runner[0];
        }

        private static boolean isRetryableStoreError(Throwable error) {
            return error instanceof EventStoreException storeError && storeError.isRetryable();
        }
    }
}
