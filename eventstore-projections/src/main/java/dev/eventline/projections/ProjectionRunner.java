package dev.eventline.projections;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.projections.internal.Names;
import dev.eventline.projections.internal.Signal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs projections: catches each one up from its checkpoint in batches, then follows new writes by polling, and
 * at once when a {@link WakeUpSource} (LISTEN/NOTIFY on PostgreSQL) or {@link #wake()} announces them.
 * <p>
 * Each projection gets one thread from the {@link ThreadFactory}. A batch is read with
 * {@link EventStore#readAll(LogPosition, int)}, applied, and committed together with the checkpoint (one
 * transaction per batch with a {@link JdbcCheckpointStore}). Appends never wait for projections: use
 * {@link #awaitPosition} for read-your-writes. Each projection has one owner among all runners sharing a
 * {@link CheckpointStore}, by a lease the runner renews; the checkpoint's compare-and-set fences an owner that
 * lost its lease without noticing. Failing handlers are retried and then stopped or parked per {@link ErrorPolicy};
 * a stopped ({@link ProjectionState#FAILED}) projection resumes with {@link #restart(String)} once the cause is fixed.
 * <p>
 * Thread-safety: safe for concurrent use. {@link #close()} stops every thread and releases the leases.
 * <pre>{@code
 * try (var runner = ProjectionRunner.builder(store)
 *         .checkpoints(CheckpointStore.jdbc(dataSource))
 *         .register(balances)
 *         .build()) {
 *     runner.start();
 *     AppendResult result = store.append(...);
 *     runner.awaitPosition("account_balance", result.events().get(0).position(), Duration.ofSeconds(5));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class ProjectionRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionRunner.class);

    /** 500 events per transaction: large enough to amortize the commit, small enough to keep locks short. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** 200 ms: a read model is usually fresh within a human's reaction time, at one cheap query per poll. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(200);
    /** 15 s: another instance takes over a dead owner's projections within this. */
    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(15);

    final EventStore store;
    final CheckpointStore checkpoints;
    final int batchSize;
    final Duration pollInterval;
    final Duration leaseTimeout;
    final ThreadFactory threadFactory;
    final String ownerId;
    final InstantSource clock;
    /** Wakes sleeping runner threads: on {@link #wake()}, on close, and between retries. */
    final Signal signal = new Signal();
    /** Tells {@link #awaitPosition} callers that a checkpoint moved. */
    final Signal progress = new Signal();
    private final LogPosition stopAtPosition;
    private final Instant stopAtInstant;
    private final WakeUpSource wakeUpSource;
    private AutoCloseable wakeUpSubscription;
    private final Map<String, Worker> workers = new LinkedHashMap<>();
    private final List<Thread> extraThreads = new ArrayList<>();
    private final ReentrantLock lifecycle = new ReentrantLock();
    private boolean started;
    private boolean closed;

    private ProjectionRunner(Builder builder) {
        this.store = builder.store;
        this.checkpoints = builder.checkpoints;
        this.batchSize = builder.batchSize;
        this.pollInterval = builder.pollInterval;
        this.leaseTimeout = builder.leaseTimeout;
        this.threadFactory = builder.threadFactory;
        this.ownerId = builder.ownerId;
        this.clock = builder.clock;
        this.stopAtPosition = builder.stopAtPosition;
        this.stopAtInstant = builder.stopAtInstant;
        this.wakeUpSource = builder.wakeUpSource;
        for (Registration registration : builder.registrations.values()) {
            Projection projection = registration.readModel != null
                ? registration.readModel.current() : registration.projection;
            ErrorPolicy policy = builder.policies.getOrDefault(projection.name(), builder.defaultPolicy);
            Track track = new Track(projection.name(), projection, checkpoints, policy, clock, false, 0);
            workers.put(projection.name(), new Worker(this, track, registration.readModel));
        }
        if (builder.meterRegistry != null) {
            dev.eventline.projections.internal.MicrometerMetrics.bind(builder.meterRegistry, this,
                List.copyOf(workers.keySet()));
        }
    }

    /**
     * @param store the store (or store view) whose log the projections follow
     * @return a builder
     */
    public static Builder builder(EventStore store) {
        return new Builder(store);
    }

    /**
     * Starts one thread per projection. Sets up each projection's tables first ({@link Projection#setUp}).
     *
     * @throws ProjectionRebuildingException when another runner is rebuilding one of the projections
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        lifecycle.lock();
        try {
            if (closed || started) {
                throw new IllegalStateException("the runner is already " + (closed ? "closed" : "started")
                    + "; build a new one to start again.");
            }
            prepare();
            if (wakeUpSource != null) {
                try {
                    wakeUpSubscription = wakeUpSource.subscribe(this::wake);
                } catch (Exception e) {
                    throw new ConfigurationException("subscribing to the wake-up source " + wakeUpSource
                        + " failed: " + e + ". Check the source, or build the runner without it to poll only.", e);
                }
            }
            started = true;
            for (Worker worker : workers.values()) {
                launch(worker);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    /** Called with the lifecycle lock held. */
    private void launch(Worker worker) {
        worker.running = true;
        worker.state = ProjectionState.CATCHING_UP;
        Thread thread = threadFactory.newThread(worker);
        worker.thread = thread;
        thread.start();
    }

    /**
     * Resumes a projection that stopped on a failing event ({@link ProjectionState#FAILED}), after its cause is
     * fixed: it continues from its checkpoint, so the event that failed is applied first (with the usual retries
     * and error policy), and its state goes back to {@link ProjectionState#CATCHING_UP}, then
     * {@link ProjectionState#LIVE}. On a started runner a new thread takes over the projection; on a runner used
     * with {@link #catchUp()}, the next {@code catchUp()} applies it again.
     *
     * @param projection the projection's name
     * @return true when it was failed and is resumed; false when it was not failed (nothing to do)
     * @throws IllegalStateException when the runner is closed
     */
    public boolean restart(String projection) {
        Worker worker = worker(projection);
        Thread previous;
        lifecycle.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the runner is closed; build a new one to run '" + projection
                    + "' again.");
            }
            if (worker.state != ProjectionState.FAILED) {
                return false;
            }
            previous = worker.thread;
        } finally {
            lifecycle.unlock();
        }
        if (previous != null && previous != Thread.currentThread()) {
            try {
                // a failed worker's thread is ending (releasing its lease): let it finish before its successor
                previous.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while restarting projection '" + projection + "'.", e);
            }
        }
        lifecycle.lock();
        try {
            if (closed || worker.state != ProjectionState.FAILED) {
                return false;
            }
            worker.lock.lock();
            try {
                worker.track.error = null;
                worker.track.failedEvent = null;
                worker.state = ProjectionState.STOPPED;
            } finally {
                worker.lock.unlock();
            }
            if (started) {
                launch(worker);
            }
        } finally {
            lifecycle.unlock();
        }
        progress.signalAll();
        return true;
    }

    private void prepare() {
        for (Worker worker : workers.values()) {
            refuseDuringRebuild(worker.name());
            refuseDuringRebuild(ShadowRebuild.shadowName(worker.name()));
            if (!worker.track.projection.tables().isEmpty()) {
                try {
                    checkpoints.inTransaction(tx -> {
                        worker.track.projection.setUp(worker.track.context(tx));
                        return null;
                    });
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new ConfigurationException("setting up the tables of projection '" + worker.name()
                        + "' failed: " + e + ". Check its setUp method.", e);
                }
            }
        }
    }

    private void refuseDuringRebuild(String name) {
        Optional<Lease> lease = checkpoints.lease(name);
        if (lease.isPresent() && lease.get().rebuilding() && !lease.get().owner().equals(ownerId)
            && lease.get().expiresAt().isAfter(clock.instant())) {
            throw new ProjectionRebuildingException(name, lease.get().owner(), lease.get().expiresAt());
        }
    }

    /**
     * Applies everything up to the head of the log (or the stop bound) on the calling thread, then returns. For
     * tests, fixtures and one-off "as of" read models; a started runner does this on its own threads.
     *
     * @throws ProjectionFailedException when a projection fails
     * @throws IllegalStateException when the runner is started or closed
     */
    public void catchUp() {
        lifecycle.lock();
        try {
            if (closed || started) {
                throw new IllegalStateException("catchUp() is for a runner that is not started (started: "
                    + started + ", closed: " + closed + ").");
            }
            prepare();
        } finally {
            lifecycle.unlock();
        }
        for (Worker worker : workers.values()) {
            worker.running = true;
            try {
                if (!worker.ensureLease()) {
                    throw new IllegalStateException("projection '" + worker.name() + "' is owned by another runner ("
                        + checkpoints.lease(worker.name()).map(Lease::owner).orElse("?") + "); stop it first.");
                }
                while (worker.running && worker.step()) {
                    // step until at the head or the bound
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("catching up projection '" + worker.name() + "' failed: " + e, e);
            } finally {
                worker.running = false;
                checkpoints.releaseLease(worker.name(), ownerId);
            }
            if (worker.state == ProjectionState.FAILED) {
                throw new ProjectionFailedException(worker.name(), worker.track.failedEvent, worker.track.error);
            }
        }
    }

    /**
     * Waits until a projection has applied (or skipped) the event at {@code position}.
     * <p>
     * Pass the position of an event you appended (from its {@code AppendResult}). Avoid
     * {@link EventStore#headPosition()} as the target: on PostgreSQL it is the settled head, which can lag
     * behind appends that already returned while other transactions are open.
     *
     * @param projection the projection's name
     * @param position the position to reach, e.g. the last event of an {@code AppendResult}
     * @param timeout the longest wait
     * @return true when reached, false on timeout
     * @throws ProjectionFailedException when the projection failed and so will never reach it
     */
    public boolean awaitPosition(String projection, LogPosition position, Duration timeout) {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(timeout, "timeout");
        Worker worker = worker(projection);
        try {
            return progress.awaitUntil(() -> worker.hasReached(position), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return worker.hasReached(position);
        }
    }

    /**
     * Wakes the runner's threads now instead of at the next poll: call it after appending, for lower latency. A
     * {@link WakeUpSource} given to the builder calls it for you.
     */
    public void wake() {
        signal.signalAll();
    }

    /**
     * @param projection the projection's name
     * @return its status now; position, lag and dead letters are read from the stores
     */
    public ProjectionStatus status(String projection) {
        Worker worker = worker(projection);
        Track track = worker.track;
        LogPosition position = worker.state == ProjectionState.STANDBY ? checkpoints.load(projection)
            : track.position;
        LogPosition head = store.headPosition();
        long lagEvents = Math.max(0, head.position() - position.position());
        Duration lagTime = Duration.ZERO;
        if (head.isAfter(position)) {
            List<RecordedEvent> next = store.readAll(position, 1);
            if (!next.isEmpty()) {
                Duration behind = Duration.between(next.get(0).recordedAt(), clock.instant());
                lagTime = behind.isNegative() ? Duration.ZERO : behind;
            }
        }
        return new ProjectionStatus(projection, worker.state, position, head, lagEvents, lagTime,
            track.applied.get(), track.parked.get(), checkpoints.deadLetterCount(projection), track.error,
            track.failedEvent);
    }

    /** @return the status of every registered projection, in registration order */
    public List<ProjectionStatus> statuses() {
        List<ProjectionStatus> statuses = new ArrayList<>();
        for (String name : workers.keySet()) {
            statuses.add(status(name));
        }
        return statuses;
    }

    /** @return the names of the registered projections, in registration order */
    public List<String> projectionNames() {
        return List.copyOf(workers.keySet());
    }

    /**
     * @param projection the projection's name
     * @return its parked events, oldest first
     */
    public List<DeadLetter> deadLetters(String projection) {
        worker(projection);
        return checkpoints.deadLetters(projection);
    }

    /**
     * Applies a projection's parked events again, stream by stream in order, removing each that now succeeds.
     * A stream whose event fails again stays parked from that event on; the other streams are unparked.
     *
     * @param projection the projection's name
     * @return how many parked events were applied
     */
    public int replayDeadLetters(String projection) {
        Worker worker = worker(projection);
        worker.lock.lock();
        try {
            Map<String, List<DeadLetter>> byStream = new LinkedHashMap<>();
            for (DeadLetter letter : checkpoints.deadLetters(projection)) {
                byStream.computeIfAbsent(letter.streamId(), stream -> new ArrayList<>()).add(letter);
            }
            int replayed = 0;
            for (Map.Entry<String, List<DeadLetter>> entry : byStream.entrySet()) {
                boolean streamClear = true;
                for (DeadLetter letter : entry.getValue()) {
                    Optional<RecordedEvent> event;
                    try (var events = store.readStream(letter.streamId(), ReadDirection.FORWARDS, letter.version(),
                        1)) {
                        event = events.findFirst();
                    }
                    if (event.isEmpty()) {
                        throw new IllegalStateException("parked event " + letter.eventId() + " (stream: '"
                            + letter.streamId() + "', version: " + letter.version() + ") is not in the store; "
                            + "was the projection registered on another store?");
                    }
                    try {
                        checkpoints.inTransaction(tx -> {
                            worker.track.projection.handle(event.get(), worker.track.context(tx));
                            tx.removeDeadLetter(projection, letter.id());
                            return null;
                        });
                        replayed++;
                    } catch (Exception failure) {
                        streamClear = false;
                        break;
                    }
                }
                if (streamClear) {
                    worker.track.parkedStreams.remove(entry.getKey());
                }
            }
            return replayed;
        } finally {
            worker.lock.unlock();
        }
    }

    /**
     * Rebuilds a projection from the start of the log.
     * <p>
     * {@link RebuildMode#SHADOW} needs a {@link ReadModel} or a projection with {@link Projection#tables()} and
     * must run on the runner that owns the projection; the current copy keeps answering until the switch.
     * {@link RebuildMode#TRUNCATE_AND_REPLAY} works for any projection. During either, another runner's
     * {@link #start()} of the projection is refused with {@link ProjectionRebuildingException}.
     *
     * @param projection the projection's name
     * @param mode how to rebuild
     * @return completes with the status once the rebuilt copy is live (a truncate-and-replay completes once the
     *     runner, started or in {@link #catchUp()}, reaches the head); fails if the rebuild fails
     * @throws ProjectionRebuildingException when the projection is being rebuilt already
     * @throws IllegalStateException when another runner owns the projection
     */
    public CompletableFuture<ProjectionStatus> rebuild(String projection, RebuildMode mode) {
        Objects.requireNonNull(mode, "mode");
        Worker worker = worker(projection);
        lifecycle.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the runner is closed; build a new one to rebuild '" + projection
                    + "'.");
            }
        } finally {
            lifecycle.unlock();
        }
        Optional<Lease> lease = checkpoints.lease(projection);
        if (lease.isPresent() && !lease.get().owner().equals(ownerId)
            && lease.get().expiresAt().isAfter(clock.instant())) {
            if (lease.get().rebuilding()) {
                throw new ProjectionRebuildingException(projection, lease.get().owner(), lease.get().expiresAt());
            }
            throw new IllegalStateException("projection '" + projection + "' is owned by runner '"
                + lease.get().owner() + "' (lease until " + lease.get().expiresAt() + "); rebuild it on that runner, "
                + "which is the one writing its read model.");
        }
        if (mode == RebuildMode.TRUNCATE_AND_REPLAY) {
            worker.lock.lock();
            try {
                CompletableFuture<ProjectionStatus> done = worker.beginReplayRebuild();
                signal.signalAll();
                return done;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("starting the rebuild of '" + projection + "' failed: " + e, e);
            } finally {
                worker.lock.unlock();
            }
        }
        ShadowRebuild rebuild = new ShadowRebuild(this, worker);
        CompletableFuture<ProjectionStatus> done = rebuild.begin();
        Thread thread = threadFactory.newThread(rebuild);
        lifecycle.lock();
        try {
            extraThreads.add(thread);
        } finally {
            lifecycle.unlock();
        }
        thread.start();
        return done;
    }

    /** @return this runner's owner id in leases: unique per runner instance */
    public String ownerId() {
        return ownerId;
    }

    int boundIndex(List<RecordedEvent> batch) {
        for (int i = 0; i < batch.size(); i++) {
            RecordedEvent event = batch.get(i);
            if (stopAtPosition != null && event.position().isAfter(stopAtPosition)) {
                return i;
            }
            if (stopAtInstant != null && !event.recordedAt().isBefore(stopAtInstant)) {
                return i;
            }
        }
        return batch.size();
    }

    boolean isPastBound(LogPosition position, boolean atHead) {
        if (stopAtPosition != null && position.compareTo(stopAtPosition) >= 0) {
            return true;
        }
        return stopAtInstant != null && atHead && stopAtInstant.isBefore(clock.instant());
    }

    boolean isClosed() {
        lifecycle.lock();
        try {
            return closed;
        } finally {
            lifecycle.unlock();
        }
    }

    Worker worker(String projection) {
        Objects.requireNonNull(projection, "projection");
        Worker worker = workers.get(projection);
        if (worker == null) {
            throw new IllegalArgumentException("no projection named '" + projection + "' is registered (registered: "
                + workers.keySet() + ").");
        }
        return worker;
    }

    /** Stops every thread (waiting for the current batch to finish) and releases the leases. Idempotent. */
    @Override
    public void close() {
        List<Thread> threads = new ArrayList<>();
        AutoCloseable subscription;
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Worker worker : workers.values()) {
                worker.running = false;
                if (worker.thread != null) {
                    threads.add(worker.thread);
                }
            }
            threads.addAll(extraThreads);
            subscription = wakeUpSubscription;
            wakeUpSubscription = null;
        } finally {
            lifecycle.unlock();
        }
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.warn("closing the wake-up subscription of {} failed; it may call wake() on a closed runner, "
                    + "which is harmless: {}", this, e.toString());
            }
        }
        signal.signalAll();
        progress.signalAll();
        for (Thread thread : threads) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "ProjectionRunner[owner=" + ownerId + ", projections=" + workers.keySet() + "]";
    }

    private record Registration(Projection projection, ReadModel<?> readModel) {
    }

    /**
     * Configures a {@link ProjectionRunner}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final EventStore store;
        private CheckpointStore checkpoints;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration leaseTimeout = DEFAULT_LEASE_TIMEOUT;
        private ThreadFactory threadFactory;
        private String ownerId = UUID.randomUUID().toString();
        private InstantSource clock = InstantSource.system();
        private LogPosition stopAtPosition;
        private Instant stopAtInstant;
        private Object meterRegistry;
        private WakeUpSource wakeUpSource;
        private ErrorPolicy defaultPolicy = ErrorPolicy.defaults();
        private final Map<String, ErrorPolicy> policies = new LinkedHashMap<>();
        private final Map<String, Registration> registrations = new LinkedHashMap<>();

        private Builder(EventStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /**
         * @param projection a projection to run
         * @return this builder
         */
        public Builder register(Projection projection) {
            Objects.requireNonNull(projection, "projection");
            return add(projection.name(), new Registration(projection, null));
        }

        /**
         * @param readModel an in-memory read model to run; {@link RebuildMode#SHADOW} rebuilds swap in a fresh
         *     instance
         * @return this builder
         */
        public Builder register(ReadModel<?> readModel) {
            Objects.requireNonNull(readModel, "readModel");
            return add(readModel.name(), new Registration(null, readModel));
        }

        private Builder add(String name, Registration registration) {
            Names.projectionName(name);
            if (registrations.putIfAbsent(name, registration) != null) {
                throw new ConfigurationException("a projection named '" + name + "' is registered twice. "
                    + "Give each projection its own name.");
            }
            return this;
        }

        /**
         * @param checkpoints where checkpoints, dead letters and leases live (default: a new in-memory store)
         * @return this builder
         */
        public Builder checkpoints(CheckpointStore checkpoints) {
            this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
            return this;
        }

        /**
         * @param batchSize events per batch and transaction, 1 to 10,000 (default {@value #DEFAULT_BATCH_SIZE})
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param pollInterval how often a live projection looks for new events (default 200 ms)
         * @return this builder
         */
        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /**
         * Wakes the live projections whenever {@code source} announces new events, instead of only at each poll; the
         * runner keeps polling at {@link #pollInterval} as the fallback (so a longer poll interval is then fine). On
         * PostgreSQL: {@code .wakeUpSource(notifications::subscribe)} with a started
         * {@code dev.eventline.jdbc.PostgresNotifications}, whose append hook is on the store. The runner subscribes
         * in {@link ProjectionRunner#start()} and unsubscribes in {@link ProjectionRunner#close()}; it does not close
         * the source.
         *
         * @param source the source of wake-ups (default: none, polling only)
         * @return this builder
         */
        public Builder wakeUpSource(WakeUpSource source) {
            this.wakeUpSource = Objects.requireNonNull(source, "source");
            return this;
        }

        /**
         * @param leaseTimeout how long a projection's owner may be silent before another takes over (default 15 s)
         * @return this builder
         */
        public Builder leaseTimeout(Duration leaseTimeout) {
            this.leaseTimeout = Objects.requireNonNull(leaseTimeout, "leaseTimeout");
            return this;
        }

        /**
         * @param threadFactory makes the projection threads (default: named daemon platform threads)
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * @param ownerId this runner's id in leases (default: a random UUID); must be unique per running instance
         * @return this builder
         */
        public Builder ownerId(String ownerId) {
            this.ownerId = Objects.requireNonNull(ownerId, "ownerId");
            return this;
        }

        /**
         * @param clock the clock for lag and lease times (default: the system clock)
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param policy the error policy of projections without their own (default {@link ErrorPolicy#defaults()})
         * @return this builder
         */
        public Builder errorPolicy(ErrorPolicy policy) {
            this.defaultPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param projection a projection's name
         * @param policy its error policy
         * @return this builder
         */
        public Builder errorPolicy(String projection, ErrorPolicy policy) {
            policies.put(Names.projectionName(projection), Objects.requireNonNull(policy, "policy"));
            return this;
        }

        /**
         * Stops the projections after the event at {@code position} (a read model "as of" that position).
         *
         * @param position the last position to apply
         * @return this builder
         */
        public Builder stopAt(LogPosition position) {
            this.stopAtPosition = Objects.requireNonNull(position, "position");
            return this;
        }

        /**
         * Stops the projections before the first event recorded at or after {@code instant} (a read model "as of"
         * that instant). A projection that reaches the head stops once {@code instant} has passed.
         *
         * @param instant the first recording time to leave out
         * @return this builder
         */
        public Builder stopAt(Instant instant) {
            this.stopAtInstant = Objects.requireNonNull(instant, "instant");
            return this;
        }

        /**
         * Publishes per-projection gauges (position, lag in events and seconds, events applied and parked, dead
     * letters, failed) to
         * Micrometer. Micrometer is optional: without this call its classes are never loaded.
         *
         * @param registry an {@code io.micrometer.core.instrument.MeterRegistry}
         * @return this builder
         */
        public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * @return the runner, not started
         * @throws ConfigurationException when a setting is out of range or a JDBC read model has no JDBC store
         */
        public ProjectionRunner build() {
            if (batchSize < 1 || batchSize > 10_000) {
                throw new ConfigurationException("batchSize must be 1 to 10,000 (batchSize: " + batchSize + ").");
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new ConfigurationException("pollInterval must be > 0 (pollInterval: " + pollInterval + ").");
            }
            if (leaseTimeout.compareTo(Duration.ofMillis(100)) < 0) {
                throw new ConfigurationException("leaseTimeout must be >= 100 ms (leaseTimeout: " + leaseTimeout
                    + ").");
            }
            if (checkpoints == null) {
                checkpoints = CheckpointStore.inMemory();
            }
            for (String name : policies.keySet()) {
                if (!registrations.containsKey(name)) {
                    throw new ConfigurationException("an error policy is set for projection '" + name
                        + "', which is not registered (registered: " + registrations.keySet() + ").");
                }
            }
            for (Registration registration : registrations.values()) {
                if (registration.projection() != null && !registration.projection().tables().isEmpty()
                    && !checkpoints.isTransactional()) {
                    throw new ConfigurationException("projection '" + registration.projection().name()
                        + "' has JDBC tables " + registration.projection().tables() + " but the checkpoint store "
                        + "is not transactional. Use .checkpoints(CheckpointStore.jdbc(dataSource)).");
                }
            }
            if (threadFactory == null) {
                threadFactory = defaultThreadFactory();
            }
            return new ProjectionRunner(this);
        }

        private static ThreadFactory defaultThreadFactory() {
            AtomicInteger counter = new AtomicInteger();
            return runnable -> {
                Thread thread = new Thread(runnable, "eventline-projection-" + counter.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            };
        }
    }
}
