package dev.eventline.examples.bank.readmodel;

import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the bank's JDBC read models up to date from the global log, one background thread for all of them.
 * <p>
 * Each read model has a current generation of tables (what queries read) and a checkpoint per generation.
 * A batch of events, the rows it changes and the checkpoint advance commit in one transaction, so every event
 * is applied exactly once. A rebuild fills a new generation from the start of the log while queries keep
 * reading the current one; when the new one has caught up with the head, one update switches queries to it and
 * the old tables are dropped a little later.
 * <p>
 * This is the example's own, deliberately small runner (the projections module had not landed when the example
 * was wired); it polls, and is woken early by {@link #wake()} after each append of this process.
 * <p>
 * Thread-safety: safe for concurrent use; {@link #close()} is idempotent.
 */
public final class ProjectionEngine implements AutoCloseable {

    /** Events per transaction: large enough for throughput, small enough to keep transactions short. */
    public static final int BATCH_SIZE = 500;
    /** How often an idle engine looks for new events written by other processes. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    /** How long an old generation's tables stay after a switch, for queries still reading them. */
    public static final Duration DROP_DELAY = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionEngine.class);
    private static final String STATE = "bank_projection_state";
    private static final String ACTIVE = "bank_projection_active";

    private final EventStore store;
    private final DataSource dataSource;
    private final Function<RecordedEvent, Object> decoder;
    private final Map<String, Model> models = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progressed = lock.newCondition();
    private final Condition work = lock.newCondition();
    private final List<Runnable> delayedDrops = new ArrayList<>();
    private final Thread worker;
    private boolean wakeRequested;
    private volatile boolean closed;

    /** One read model: the generation queries read, and the one a rebuild fills. */
    private static final class Model {
        final ReadModel readModel;
        volatile Track active;
        volatile Track rebuild;

        Model(ReadModel readModel) {
            this.readModel = readModel;
        }
    }

    /** One generation's checkpoint and health. */
    private static final class Track {
        final long generation;
        final Tables tables;
        volatile LogPosition checkpoint;
        volatile boolean live;
        volatile String error;
        volatile Instant retryAt = Instant.MIN;
        int failures;

        Track(long generation, Tables tables, LogPosition checkpoint) {
            this.generation = generation;
            this.tables = tables;
            this.checkpoint = checkpoint;
        }
    }

    /**
     * Creates the engine's tables and each model's current generation (when missing) and starts the worker.
     *
     * @param store the event store to follow
     * @param dataSource the database holding the read models
     * @param decoder turns a stored event into its domain record, or null for types no model knows
     * @param readModels the read models
     * @throws SQLException when the tables cannot be created
     */
    public ProjectionEngine(EventStore store, DataSource dataSource, Function<RecordedEvent, Object> decoder,
                            List<ReadModel> readModels) throws SQLException {
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            execute(c, "CREATE TABLE IF NOT EXISTS " + ACTIVE + " (name VARCHAR(100) PRIMARY KEY, "
                + "generation BIGINT NOT NULL)");
            execute(c, "CREATE TABLE IF NOT EXISTS " + STATE + " (name VARCHAR(100) NOT NULL, generation BIGINT NOT "
                + "NULL, commit_position BIGINT NOT NULL, log_position BIGINT NOT NULL, PRIMARY KEY (name, generation))");
            for (ReadModel readModel : readModels) {
                models.put(readModel.name(), open(c, readModel));
            }
        }
        worker = new Thread(this::run, "eventline-bank-projections");
        worker.setDaemon(true);
        worker.start();
    }

    private Model open(Connection c, ReadModel readModel) throws SQLException {
        var model = new Model(readModel);
        long active = queryLong(c, "SELECT generation FROM " + ACTIVE + " WHERE name = ?", readModel.name(), -1);
        if (active < 0) {
            active = 1;
            Sql.update(c, "INSERT INTO " + ACTIVE + " (name, generation) VALUES (?, ?)", readModel.name(), active);
        }
        model.active = openTrack(c, readModel, active);
        long newest = queryLong(c, "SELECT MAX(generation) FROM " + STATE + " WHERE name = ?", readModel.name(), -1);
        if (newest > active) {
            // A rebuild was running when the application stopped: carry on from its checkpoint.
            model.rebuild = openTrack(c, readModel, newest);
        }
        for (long old = active - 1; old >= 1 && old >= active - 3; old--) {
            dropGeneration(c, readModel, old);
        }
        return model;
    }

    private Track openTrack(Connection c, ReadModel readModel, long generation) throws SQLException {
        Tables tables = Tables.of(readModel.name(), generation);
        for (String ddl : readModel.createStatements(tables)) {
            execute(c, ddl);
        }
        LogPosition checkpoint = null;
        try (PreparedStatement statement = c.prepareStatement("SELECT commit_position, log_position FROM " + STATE
            + " WHERE name = ? AND generation = ?")) {
            statement.setString(1, readModel.name());
            statement.setLong(2, generation);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    checkpoint = new LogPosition(rows.getLong(1), rows.getLong(2));
                }
            }
        }
        if (checkpoint == null) {
            checkpoint = LogPosition.START;
            Sql.update(c, "INSERT INTO " + STATE + " (name, generation, commit_position, log_position) "
                + "VALUES (?, ?, 0, 0)", readModel.name(), generation);
        }
        return new Track(generation, tables, checkpoint);
    }

    /** @return the names of the read models, in registration order */
    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    /**
     * @param name a read model's name
     * @return true when the engine runs that model
     */
    public boolean has(String name) {
        return models.containsKey(name);
    }

    /**
     * @param name a read model's name
     * @return the tables queries should read now
     */
    public Tables tables(String name) {
        return model(name).active.tables;
    }

    /**
     * @param name a read model's name
     * @return the model's status
     */
    public ProjectionStatus status(String name) {
        Model model = model(name);
        Track active = model.active;
        long position = active.checkpoint.position();
        long head;
        try {
            head = store.headPosition().position();
        } catch (RuntimeException e) {
            head = position; // the store is unreachable: report no lag rather than fail the status call
        }
        String status;
        if (closed) {
            status = "stopped";
        } else if (active.error != null) {
            status = "failed";
        } else if (model.rebuild != null) {
            status = "rebuilding";
        } else {
            status = active.live ? "live" : "catching_up";
        }
        return new ProjectionStatus(name, status, position, Math.max(0, head - position), active.error);
    }

    /** @return every model's status */
    public List<ProjectionStatus> statuses() {
        var result = new ArrayList<ProjectionStatus>();
        for (String name : models.keySet()) {
            result.add(status(name));
        }
        return result;
    }

    /**
     * Starts rebuilding a model into a new generation; queries keep reading the current one until it is replaced.
     * Asking again while a rebuild runs changes nothing.
     *
     * @param name a read model's name
     * @throws SQLException when the new tables cannot be created
     */
    public void rebuild(String name) throws SQLException {
        Model model = model(name);
        lock.lock();
        try {
            if (model.rebuild != null) {
                return;
            }
            long generation = model.active.generation + 1;
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                dropGeneration(c, model.readModel, generation);
                model.rebuild = openTrack(c, model.readModel, generation);
            }
            wakeRequested = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a model's current generation has applied every event up to {@code target}.
     *
     * @param name a read model's name
     * @param target the log position to reach
     * @param timeout how long to wait at most
     * @return true when reached, false on timeout
     * @throws InterruptedException when interrupted while waiting
     */
    public boolean awaitPosition(String name, LogPosition target, Duration timeout) throws InterruptedException {
        Model model = model(name);
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            wakeRequested = true;
            work.signalAll();
            while (model.active.checkpoint.compareTo(target) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                progressed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the worker to look for new events now rather than at its next poll. */
    public void wake() {
        lock.lock();
        try {
            wakeRequested = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Model model(String name) {
        Model model = models.get(name);
        if (model == null) {
            throw new IllegalArgumentException("unknown read model (name: " + name + ")");
        }
        return model;
    }

    private void run() {
        while (!closed) {
            boolean busy = false;
            for (Model model : models.values()) {
                busy |= step(model, model.active);
                Track rebuild = model.rebuild;
                if (rebuild != null && !step(model, rebuild) && rebuild.live && rebuild.error == null) {
                    switchTo(model, rebuild);
                }
            }
            runDueDrops();
            if (!busy) {
                idle();
            }
        }
    }

    /** @return true when events were applied (more may be waiting) */
    private boolean step(Model model, Track track) {
        if (Instant.now().isBefore(track.retryAt)) {
            return false;
        }
        try {
            List<RecordedEvent> batch = store.readAll(track.checkpoint, BATCH_SIZE);
            if (batch.isEmpty()) {
                track.live = true;
                track.error = null;
                return false;
            }
            LogPosition next = applyBatch(model.readModel, track, batch);
            lock.lock();
            try {
                track.checkpoint = next;
                track.live = batch.size() < BATCH_SIZE;
                track.error = null;
                track.failures = 0;
                progressed.signalAll();
            } finally {
                lock.unlock();
            }
            return true;
        } catch (Exception e) {
            // Thread root: record the failure, back off, and retry the same batch; the checkpoint did not move.
            track.failures++;
            track.error = e.getClass().getSimpleName() + " while applying events to " + model.readModel.name()
                + "; retrying";
            track.retryAt = Instant.now().plusMillis(Math.min(30_000, 250L << Math.min(track.failures, 7)));
            track.live = false;
            LOG.warn("Read model {} (generation {}) failed at position {} (attempt {}); retrying", model.readModel
                .name(), track.generation, track.checkpoint, track.failures, e);
            return false;
        }
    }

    private LogPosition applyBatch(ReadModel readModel, Track track, List<RecordedEvent> batch) throws SQLException {
        LogPosition from = track.checkpoint;
        LogPosition to = batch.get(batch.size() - 1).position();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                for (RecordedEvent recorded : batch) {
                    Object event = decoder.apply(recorded);
                    if (event != null) {
                        readModel.apply(c, track.tables, recorded, event);
                    }
                }
                int moved = Sql.update(c, "UPDATE " + STATE + " SET commit_position = ?, log_position = ? WHERE "
                    + "name = ? AND generation = ? AND commit_position = ? AND log_position = ?", to.commit(),
                    to.position(), readModel.name(), track.generation, from.commit(), from.position());
                if (moved != 1) {
                    throw new SQLException("checkpoint of " + readModel.name() + " moved under this engine (expected "
                        + from + "): another process runs the same read model");
                }
                c.commit();
                return to;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private void switchTo(Model model, Track rebuilt) {
        Track old = model.active;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            Sql.update(c, "UPDATE " + ACTIVE + " SET generation = ? WHERE name = ?", rebuilt.generation,
                model.readModel.name());
        } catch (SQLException e) {
            rebuilt.error = "SQLException while switching " + model.readModel.name() + " to its rebuilt tables";
            rebuilt.retryAt = Instant.now().plusSeconds(1);
            LOG.warn("Switching read model {} to generation {} failed; retrying", model.readModel.name(),
                rebuilt.generation, e);
            return;
        }
        lock.lock();
        try {
            model.active = rebuilt;
            model.rebuild = null;
            progressed.signalAll();
            Instant due = Instant.now().plus(DROP_DELAY);
            delayedDrops.add(() -> {
                if (Instant.now().isBefore(due)) {
                    throw new IllegalStateException("not due");
                }
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(true);
                    dropGeneration(c, model.readModel, old.generation);
                } catch (SQLException e) {
                    LOG.warn("Dropping generation {} of read model {} failed; it is retried at the next start",
                        old.generation, model.readModel.name(), e);
                }
            });
        } finally {
            lock.unlock();
        }
        LOG.info("Read model {} rebuilt: queries now read generation {}", model.readModel.name(), rebuilt.generation);
    }

    private void runDueDrops() {
        List<Runnable> drops;
        lock.lock();
        try {
            drops = new ArrayList<>(delayedDrops);
        } finally {
            lock.unlock();
        }
        for (Runnable drop : drops) {
            try {
                drop.run();
                lock.lock();
                try {
                    delayedDrops.remove(drop);
                } finally {
                    lock.unlock();
                }
            } catch (IllegalStateException notDue) {
                // kept for a later pass
            }
        }
    }

    private void idle() {
        lock.lock();
        try {
            if (!wakeRequested && !closed) {
                work.await(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
            wakeRequested = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private static void dropGeneration(Connection c, ReadModel readModel, long generation) throws SQLException {
        Tables tables = Tables.of(readModel.name(), generation);
        for (String table : readModel.tables()) {
            execute(c, "DROP TABLE IF EXISTS " + tables.name(table));
        }
        Sql.update(c, "DELETE FROM " + STATE + " WHERE name = ? AND generation = ?", readModel.name(), generation);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long queryLong(Connection c, String sql, String parameter, long absent) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                if (rows.next()) {
                    long value = rows.getLong(1);
                    return rows.wasNull() ? absent : value;
                }
                return absent;
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            worker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
