package dev.eventline.examples.bank.branch;

import dev.eventline.core.EventStore;
import dev.eventline.examples.bank.BankComponents;
import dev.eventline.examples.bank.app.BankQueries;
import dev.eventline.examples.bank.app.RecentPositions;
import dev.eventline.examples.bank.readmodel.BankProjection;
import dev.eventline.examples.bank.readmodel.ReadModel;
import dev.eventline.examples.bank.readmodel.ReadModels;
import dev.eventline.projections.JdbcCheckpointStore;
import dev.eventline.projections.ProjectionRunner;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.jdbcx.JdbcDataSource;

/**
 * One branch's read models: the bank's four projections run over the branch's {@link EventStore} (the parent's
 * events up to the fork, then the branch's own) into their own database, an H2 database in this process's memory.
 * <p>
 * Why a private in-memory database: a branch's read models can then never write into main's tables (they are not
 * even in the same database), need no table names of their own, and vanish with the branch. Branches are for
 * exploration, so rebuilding them after a restart, from the durable branch log, is the right trade against
 * keeping copies of every read model per branch in the application's database.
 * <p>
 * Nothing is built until the first query ({@link #queries()}): then the tables are created and a
 * {@link ProjectionRunner} starts, catching up from the start of the branch's log and then following it (woken by
 * the branch's commands). {@link #close()} stops the runner and drops the database.
 * <p>
 * Thread-safety: safe for concurrent use; starting and closing are serialized by a lock.
 */
final class BranchReadModels implements AutoCloseable {

    private final String branchName;
    private final JdbcDataSource dataSource;
    private final JdbcCheckpointStore checkpoints;
    private final ProjectionRunner runner;
    private final ReadModels readModels;
    private final BankQueries queries;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean started;
    private boolean closed;

    /**
     * @param branchName the branch's name (for thread names and messages)
     * @param branch the branch's store
     * @param components the application's parts (event decoding, metrics)
     * @param positions the positions the branch's commands appended, for {@code consistent_with}
     */
    BranchReadModels(String branchName, EventStore branch, BankComponents components, RecentPositions positions) {
        this.branchName = branchName;
        this.dataSource = new JdbcDataSource();
        // a fresh name per instance: a branch deleted and created again never meets the old one's tables
        dataSource.setURL("jdbc:h2:mem:eventline-branch-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        this.checkpoints = JdbcCheckpointStore.builder(dataSource).build();
        ProjectionRunner.Builder builder = ProjectionRunner.builder(branch)
            .checkpoints(checkpoints)
            .threadFactory(threads(branchName));
        for (ReadModel model : ReadModels.bankModels()) {
            builder.register(new BankProjection(model, components.codec()::decode));
        }
        this.runner = builder.build();
        this.readModels = new ReadModels(runner, checkpoints);
        this.queries = BankQueries.readingYourWrites(branch, dataSource, readModels, positions,
            components.metrics(), components.metrics().registry());
    }

    private static ThreadFactory threads(String branchName) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "eventline-branch-" + branchName + "-projection-"
                + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** @return the read models' runner view: the branch's commands wake it (it does nothing until started) */
    ReadModels readModels() {
        return readModels;
    }

    /**
     * The branch's query side, starting its read models on the first call.
     *
     * @return the queries over the branch's read models
     * @throws IllegalStateException when closed (the branch was deleted while the request ran)
     */
    BankQueries queries() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the read models of branch '" + branchName + "' were dropped");
            }
            if (!started) {
                checkpoints.createSchema();
                runner.start();
                started = true;
            }
            return queries;
        } finally {
            lock.unlock();
        }
    }

    /** @return true once the first query has built the read models and until they are dropped */
    boolean isRunning() {
        lock.lock();
        try {
            return started && !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the runner and drops the in-memory database. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queries.close();
            runner.close();
            if (started) {
                try (Connection connection = dataSource.getConnection();
                     Statement statement = connection.createStatement()) {
                    statement.execute("SHUTDOWN");
                } catch (SQLException e) {
                    throw new IllegalStateException("dropping the read models of branch '" + branchName
                        + "' failed (SQLState: " + e.getSQLState() + ")", e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
