package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a fresh copy of a projection beside the live one (shadow tables, or a new {@link ReadModel} instance)
 * with its own checkpoint, then switches it in under the live worker's lock once it has caught up.
 */
final class ShadowRebuild implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRebuild.class);

    private final ProjectionRunner runner;
    private final Worker live;
    private final String shadowName;
    private final CompletableFuture<ProjectionStatus> done = new CompletableFuture<>();
    private Track shadow;
    private long renewLeaseAtNanos;

    ShadowRebuild(ProjectionRunner runner, Worker live) {
        this.runner = runner;
        this.live = live;
        this.shadowName = shadowName(live.name());
    }

    static String shadowName(String projection) {
        return projection + ".shadow";
    }

    /** Checks the preconditions and takes the shadow's lease, on the caller's thread so errors reach the caller. */
    CompletableFuture<ProjectionStatus> begin() {
        Projection current = live.track.projection;
        if (live.readModel == null && current.tables().isEmpty()) {
            throw new IllegalArgumentException("projection '" + live.name() + "' has no shadow copy to build: "
                + "register it as a ReadModel, or declare its tables(), or use RebuildMode.TRUNCATE_AND_REPLAY.");
        }
        if (!runner.checkpoints.tryAcquireLease(shadowName, runner.ownerId, true, runner.leaseTimeout)) {
            Lease lease = runner.checkpoints.lease(shadowName).orElseThrow();
            throw new ProjectionRebuildingException(live.name(), lease.owner(), lease.expiresAt());
        }
        renewLeaseAtNanos = System.nanoTime() + runner.leaseTimeout.toNanos() / 3;
        int generation = runner.checkpoints.generation(live.name()) + 1;
        Projection copy = live.readModel != null ? live.readModel.fresh() : current;
        shadow = new Track(shadowName, copy, runner.checkpoints, live.track.policy, runner.clock,
            live.readModel == null, generation);
        shadow.rebuilding = true;
        return done;
    }

    @Override
    public void run() {
        try {
            prepare();
            while (!runner.isClosed()) {
                renewLease();
                List<RecordedEvent> batch = runner.store.readAll(shadow.position, runner.batchSize);
                if (batch.size() < runner.batchSize) {
                    break;
                }
                if (!apply(batch)) {
                    return;
                }
            }
            if (runner.isClosed()) {
                done.cancel(false);
                return;
            }
            switchOver();
        } catch (Exception | Error failure) {
            LOG.warn("the shadow rebuild of projection '{}' failed: {}", live.name(), failure.toString());
            done.completeExceptionally(failure);
        } finally {
            try {
                runner.checkpoints.releaseLease(shadowName, runner.ownerId);
            } catch (RuntimeException e) {
                LOG.warn("could not release the lease of '{}'; it lapses after the timeout: {}", shadowName,
                    e.toString());
            }
        }
    }

    private void renewLease() {
        long now = System.nanoTime();
        if (now - renewLeaseAtNanos >= 0) {
            if (!runner.checkpoints.tryAcquireLease(shadowName, runner.ownerId, true, runner.leaseTimeout)) {
                throw new IllegalStateException("lost the lease of '" + shadowName + "' during the rebuild; "
                    + "another runner took it. Rebuild again.");
            }
            renewLeaseAtNanos = now + runner.leaseTimeout.toNanos() / 3;
        }
    }

    private void prepare() throws Exception {
        Projection copy = shadow.projection;
        if (!copy.tables().isEmpty()) {
            runner.checkpoints.inTransaction(tx -> {
                try (Statement statement = tx.connection().createStatement()) {
                    for (String table : copy.tables()) {
                        statement.execute("DROP TABLE IF EXISTS " + shadow.tableName(table));
                    }
                }
                return null;
            });
            runner.checkpoints.inTransaction(tx -> {
                copy.setUp(shadow.context(tx));
                return null;
            });
        }
        runner.checkpoints.inTransaction(tx -> {
            tx.deleteDeadLetters(shadowName);
            tx.overwrite(shadowName, LogPosition.START, shadow.tableGeneration);
            return null;
        });
        shadow.position = LogPosition.START;
    }

    private boolean apply(List<RecordedEvent> batch) throws Exception {
        Track.Result result = shadow.process(batch, () -> !runner.isClosed(), duration -> {
            runner.signal.await(duration);
            return !runner.isClosed();
        });
        if (result == Track.Result.FAILED) {
            done.completeExceptionally(new ProjectionFailedException(live.name(), shadow.failedEvent, shadow.error));
            return false;
        }
        if (result == Track.Result.FENCED || result == Track.Result.STOPPED) {
            done.completeExceptionally(new IllegalStateException("the shadow rebuild of '" + live.name()
                + "' was interrupted (" + result + "). Rebuild again."));
            return false;
        }
        return true;
    }

    private void switchOver() throws Exception {
        live.lock.lock();
        try {
            while (true) {
                List<RecordedEvent> batch = runner.store.readAll(shadow.position, runner.batchSize);
                if (batch.isEmpty()) {
                    break;
                }
                if (!apply(batch)) {
                    return;
                }
            }
            LogPosition position = shadow.position;
            int generation = shadow.tableGeneration;
            Projection copy = shadow.projection;
            runner.checkpoints.inTransaction(tx -> {
                if (live.readModel == null) {
                    try (Statement statement = tx.connection().createStatement()) {
                        for (String table : copy.tables()) {
                            String old = table + "__old";
                            statement.execute("DROP TABLE IF EXISTS " + old);
                            statement.execute("ALTER TABLE IF EXISTS " + table + " RENAME TO " + old);
                            statement.execute("ALTER TABLE " + shadow.tableName(table) + " RENAME TO " + table);
                            statement.execute("DROP TABLE IF EXISTS " + old);
                        }
                    }
                }
                tx.deleteDeadLetters(live.name());
                tx.moveDeadLetters(shadowName, live.name());
                tx.overwrite(live.name(), position, generation);
                tx.delete(shadowName);
                return null;
            });
            if (live.readModel != null) {
                live.readModel.swap(copy);
                live.track.projection = copy;
            }
            live.track.position = position;
            live.track.parkedStreams.clear();
            live.track.parkedStreams.addAll(shadow.parkedStreams);
        } finally {
            live.lock.unlock();
        }
        runner.progress.signalAll();
        done.complete(runner.status(live.name()));
    }
}
