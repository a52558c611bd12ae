package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one live projection: takes its lease, catches up in batches, follows the log, applies rebuild requests.
 * Its lock is held while a batch is applied, so rebuild switches and dead-letter replays never interleave with it.
 */
final class Worker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Worker.class);
    /** Storage failures back off up to this, so a database outage is not hammered but recovery is quick. */
    private static final Duration MAX_STORAGE_BACKOFF = Duration.ofSeconds(5);

    final ProjectionRunner runner;
    final Track track;
    final ReadModel<?> readModel;
    final ReentrantLock lock = new ReentrantLock();
    volatile ProjectionState state = ProjectionState.STOPPED;
    volatile boolean running;
    volatile Thread thread;
    private boolean holdsLease;
    private long renewLeaseAtNanos;
    private int storageFailures;
    private CompletableFuture<ProjectionStatus> replayRebuild;

    Worker(ProjectionRunner runner, Track track, ReadModel<?> readModel) {
        this.runner = runner;
        this.track = track;
        this.readModel = readModel;
    }

    String name() {
        return track.projectionName;
    }

    @Override
    public void run() {
        try {
            while (running) {
                boolean more;
                long seen = runner.signal.generation();
                try {
                    if (!ensureLease()) {
                        state = ProjectionState.STANDBY;
                        runner.signal.await(runner.pollInterval);
                        continue;
                    }
                    more = step();
                    storageFailures = 0;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (Exception | LinkageError failure) {
                    // a storage failure: the commit's outcome may be unknown, so re-take the lease and reload
                    holdsLease = false;
                    storageFailures++;
                    Duration wait = storageBackoff();
                    LOG.warn("projection '{}' hit a storage failure (attempt {}), retrying in {} ms: {}", name(),
                        storageFailures, wait.toMillis(), failure.toString());
                    runner.signal.await(wait);
                    continue;
                }
                if (!more && running) {
                    runner.signal.awaitChange(seen, runner.pollInterval);
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        } finally {
            finish();
        }
    }

    private Duration storageBackoff() {
        long base = Math.min(MAX_STORAGE_BACKOFF.toMillis(), 50L << Math.min(storageFailures, 10));
        return Duration.ofMillis((long) (base * (0.5 + ThreadLocalRandom.current().nextDouble() / 2)));
    }

    private void finish() {
        if (state != ProjectionState.FAILED) {
            state = ProjectionState.STOPPED;
        }
        if (holdsLease) {
            try {
                runner.checkpoints.releaseLease(name(), runner.ownerId);
            } catch (RuntimeException e) {
                LOG.warn("projection '{}' could not release its lease; it lapses after the timeout: {}", name(),
                    e.toString());
            }
            holdsLease = false;
        }
        runner.progress.signalAll();
    }

    boolean ensureLease() {
        long now = System.nanoTime();
        if (holdsLease && now - renewLeaseAtNanos < 0) {
            return true;
        }
        boolean acquired = runner.checkpoints.tryAcquireLease(name(), runner.ownerId, track.rebuilding,
            runner.leaseTimeout);
        if (acquired && !holdsLease) {
            lock.lock();
            try {
                track.reload();
            } finally {
                lock.unlock();
            }
            if (state == ProjectionState.STANDBY || state == ProjectionState.STOPPED) {
                state = track.rebuilding ? ProjectionState.REBUILDING : ProjectionState.CATCHING_UP;
            }
        }
        holdsLease = acquired;
        renewLeaseAtNanos = now + runner.leaseTimeout.toNanos() / 3;
        return acquired;
    }

    /**
     * Applies one batch.
     *
     * @return true when there may be more to do right away
     */
    boolean step() throws Exception {
        lock.lock();
        try {
            List<RecordedEvent> batch = runner.store.readAll(track.position, runner.batchSize);
            boolean atHead = batch.size() < runner.batchSize;
            int cut = runner.boundIndex(batch);
            boolean boundSeen = cut < batch.size();
            if (boundSeen) {
                batch = batch.subList(0, cut);
            }
            if (!batch.isEmpty()) {
                if (track.rebuilding) {
                    state = ProjectionState.REBUILDING;
                } else if (!atHead) {
                    state = ProjectionState.CATCHING_UP;
                }
                Track.Result result = track.process(batch, () -> running, this::pause);
                runner.progress.signalAll();
                if (result == Track.Result.FENCED) {
                    holdsLease = false;
                    return true;
                }
                if (result == Track.Result.FAILED) {
                    state = ProjectionState.FAILED;
                    running = false;
                    LOG.error("projection '{}' stopped on event {}: {}", name(), track.failedEvent,
                        String.valueOf(track.error));
                    failRebuild(new ProjectionFailedException(name(), track.failedEvent, track.error));
                    runner.progress.signalAll();
                    return false;
                }
                if (result == Track.Result.STOPPED) {
                    return false;
                }
                if (!track.position.equals(batch.get(batch.size() - 1).position())) {
                    return true;
                }
            }
            if (boundSeen || runner.isPastBound(track.position, atHead)) {
                state = ProjectionState.STOPPED;
                running = false;
                finishRebuild();
                return false;
            }
            if (atHead) {
                finishRebuild();
                state = ProjectionState.LIVE;
                return false;
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean pause(Duration duration) throws InterruptedException {
        runner.signal.await(duration);
        return running;
    }

    /** Called with the lock held: starts a truncate-and-replay. */
    CompletableFuture<ProjectionStatus> beginReplayRebuild() throws Exception {
        if (!runner.checkpoints.tryAcquireLease(name(), runner.ownerId, true, runner.leaseTimeout)) {
            Lease lease = runner.checkpoints.lease(name()).orElseThrow();
            throw new ProjectionRebuildingException(name(), lease.owner(), lease.expiresAt());
        }
        holdsLease = true;
        renewLeaseAtNanos = System.nanoTime() + runner.leaseTimeout.toNanos() / 3;
        int generation = runner.checkpoints.generation(name());
        if (readModel != null) {
            Projection fresh = readModel.fresh();
            runner.checkpoints.inTransaction(tx -> {
                tx.deleteDeadLetters(name());
                tx.overwrite(name(), LogPosition.START, generation);
                return null;
            });
            readModel.swap(fresh);
            track.projection = fresh;
        } else {
            runner.checkpoints.inTransaction(tx -> {
                track.projection.reset(track.context(tx));
                tx.deleteDeadLetters(name());
                tx.overwrite(name(), LogPosition.START, generation);
                return null;
            });
        }
        track.position = LogPosition.START;
        track.parkedStreams.clear();
        track.rebuilding = true;
        state = ProjectionState.REBUILDING;
        if (replayRebuild != null) {
            replayRebuild.cancel(false);
        }
        replayRebuild = new CompletableFuture<>();
        return replayRebuild;
    }

    private void finishRebuild() {
        if (!track.rebuilding) {
            return;
        }
        track.rebuilding = false;
        runner.checkpoints.tryAcquireLease(name(), runner.ownerId, false, runner.leaseTimeout);
        if (replayRebuild != null) {
            CompletableFuture<ProjectionStatus> done = replayRebuild;
            replayRebuild = null;
            state = ProjectionState.LIVE;
            done.complete(runner.status(name()));
        }
    }

    private void failRebuild(Exception failure) {
        if (replayRebuild != null) {
            replayRebuild.completeExceptionally(failure);
            replayRebuild = null;
        }
    }

    boolean holdsLease() {
        return holdsLease;
    }

    /** @return true when the position has been reached, false when not yet; throws when it never will be */
    boolean hasReached(LogPosition target) {
        if (track.position.compareTo(target) >= 0) {
            return true;
        }
        if (state == ProjectionState.FAILED) {
            throw new ProjectionFailedException(name(), track.failedEvent, track.error);
        }
        return false;
    }

    Instant now() {
        return runner.clock.instant();
    }
}
