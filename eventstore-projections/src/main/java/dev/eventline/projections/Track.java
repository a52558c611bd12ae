package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.projections.internal.Names;
import dev.eventline.projections.internal.Sql;
import java.sql.Connection;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Applies batches of events to one copy of a projection (the live one, or a shadow being rebuilt) and moves that
 * copy's checkpoint, applying the error policy. Confined to one thread at a time (the caller holds the lock).
 */
final class Track {

    /** How one attempt at a batch ended. */
    private sealed interface Outcome {
    }

    private record Committed(LogPosition position) implements Outcome {
    }

    private record Fenced() implements Outcome {
    }

    private record HandlerFailed(int index, Exception cause) implements Outcome {
    }

    /** The failure index of a {@link Projection#handleBatch} call, which does not say which event failed. */
    private static final int WHOLE_BATCH = -1;

    /** How processing a batch ended, for the caller's loop. */
    enum Result { PROGRESSED, FENCED, FAILED, STOPPED }

    /** Carries a handler's failure out of a transaction so the transaction rolls back. */
    private static final class HandlerFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final int index;

        HandlerFailure(int index, Exception cause) {
            super(cause);
            this.index = index;
        }
    }

    /** Makes {@link Track#apply} roll back when the checkpoint moved under it. */
    private static final class FencedFailure extends Exception {
        private static final long serialVersionUID = 1L;

        FencedFailure() {
            super(null, null, false, false);
        }
    }

    final String checkpointName;
    final String projectionName;
    final CheckpointStore checkpoints;
    final ErrorPolicy policy;
    final InstantSource clock;
    final boolean shadow;
    final int tableGeneration;
    final Set<String> parkedStreams = ConcurrentHashMap.newKeySet();
    final AtomicLong applied = new AtomicLong();
    final AtomicLong parked = new AtomicLong();
    volatile Projection projection;
    volatile LogPosition position = LogPosition.START;
    volatile boolean rebuilding;
    volatile Throwable error;
    volatile RecordedEvent failedEvent;
    /**
     * The live copy's table generation: 0 while its tables have their base names, the generation once a shadow
     * rebuild switched it by generation (H2, {@link JdbcCheckpointStore.Builder#generationTables}); -1 until read.
     */
    volatile int liveTableGeneration = -1;

    Track(String checkpointName, Projection projection, CheckpointStore checkpoints, ErrorPolicy policy,
          InstantSource clock, boolean shadow, int tableGeneration) {
        this.checkpointName = checkpointName;
        this.projectionName = projection.name();
        this.projection = projection;
        this.checkpoints = checkpoints;
        this.policy = policy;
        this.clock = clock;
        this.shadow = shadow;
        this.tableGeneration = tableGeneration;
    }

    /** Reloads the checkpoint and the parked streams, after taking the lease (another owner may have moved on). */
    void reload() {
        position = checkpoints.load(checkpointName);
        if (!shadow) {
            // another runner's rebuild may have switched the tables by generation meanwhile
            liveTableGeneration = checkpoints.generation(JdbcCheckpointStore.liveTablesRow(projectionName));
        }
        parkedStreams.clear();
        for (DeadLetter letter : checkpoints.deadLetters(checkpointName)) {
            parkedStreams.add(letter.streamId());
        }
    }

    String tableName(String baseName) {
        return tableName(baseName, null);
    }

    /** @param transaction where to read the live table generation when not known yet (null: its own connection) */
    private String tableName(String baseName, CheckpointStore.Transaction transaction) {
        Names.declaredTable(projectionName, projection.tables(), baseName);
        if (shadow) {
            return shadowTable(baseName, tableGeneration);
        }
        int live = liveTableGeneration;
        if (live < 0) {
            live = readLiveTableGeneration(transaction);
            liveTableGeneration = live;
        }
        return live == 0 ? baseName : shadowTable(baseName, live);
    }

    private int readLiveTableGeneration(CheckpointStore.Transaction transaction) {
        if (transaction != null && checkpoints instanceof JdbcCheckpointStore jdbc) {
            try {
                return jdbc.liveTableGeneration(transaction.connection(), projectionName);
            } catch (java.sql.SQLException e) {
                throw Sql.translate("reading the live tables of projection '" + projectionName + "'", e);
            }
        }
        return checkpoints.generation(JdbcCheckpointStore.liveTablesRow(projectionName));
    }

    static String shadowTable(String baseName, int generation) {
        return baseName + "__g" + generation;
    }

    ProjectionContext context(CheckpointStore.Transaction transaction) {
        return new ProjectionContext() {
            @Override
            public String projectionName() {
                return projectionName;
            }

            @Override
            public Connection connection() {
                return transaction.connection();
            }

            @Override
            public String table(String baseName) {
                return tableName(baseName, transaction);
            }

            @Override
            public boolean isRebuilding() {
                return rebuilding || shadow;
            }
        };
    }

    /**
     * Applies a non-empty batch, with retries and the error policy for a failing event.
     *
     * @param batch the events after {@link #position}, in log order
     * @param running false once the runner is closing
     * @param sleeper waits between retries, returning early when the runner closes
     * @return how it ended
     * @throws Exception a storage failure; the checkpoint did not move past anything not applied
     */
    Result process(List<RecordedEvent> batch, BooleanSupplier running, Sleeper sleeper) throws Exception {
        Outcome outcome = apply(batch, checkpoints.isTransactional());
        int retriesDone = 0;
        if (outcome instanceof HandlerFailed failed && failed.index() == WHOLE_BATCH) {
            if (Sql.isTransient(failed.cause())) {
                throw failed.cause();
            }
            // an overridden handleBatch failed without naming the event: find it by applying the batch event by
            // event. For the failing event that pass is its first retry, so it waits the first backoff (with no
            // retries allowed it cannot be skipped: the event must be found)
            if (policy.maxRetries() > 0) {
                if (!sleeper.sleep(policy.backoff(1, ThreadLocalRandom.current().nextDouble()))
                    || !running.getAsBoolean()) {
                    return Result.STOPPED;
                }
                retriesDone = 1;
            }
            outcome = apply(batch, false);
        }
        if (outcome instanceof Committed) {
            return Result.PROGRESSED;
        }
        if (outcome instanceof Fenced) {
            return Result.FENCED;
        }
        if (!(outcome instanceof HandlerFailed failed)) {
            throw new IllegalStateException("unexpected outcome " + outcome);
        }
        if (checkpoints.isTransactional() && failed.index() > 0) {
            // the whole batch rolled back: commit the events before the failing one on their own
            Outcome prefix = apply(batch.subList(0, failed.index()));
            if (!(prefix instanceof Committed)) {
                return prefix instanceof Fenced ? Result.FENCED : Result.PROGRESSED;
            }
        }
        if (Sql.isTransient(failed.cause())) {
            throw failed.cause();
        }
        return retry(batch.get(failed.index()), failed.cause(), retriesDone, running, sleeper);
    }

    /**
     * Retries a failing event after each backoff, then stops or parks it: its handler runs
     * {@code 1 + maxRetries} times in all, counting the calls before this one ({@code retriesDone}).
     */
    private Result retry(RecordedEvent event, Exception firstCause, int retriesDone, BooleanSupplier running,
                         Sleeper sleeper) throws Exception {
        Exception cause = firstCause;
        for (int attempt = retriesDone + 1; attempt <= policy.maxRetries(); attempt++) {
            Duration wait = policy.backoff(attempt, ThreadLocalRandom.current().nextDouble());
            if (!sleeper.sleep(wait) || !running.getAsBoolean()) {
                return Result.STOPPED;
            }
            Outcome outcome = apply(List.of(event));
            if (outcome instanceof Committed) {
                return Result.PROGRESSED;
            }
            if (outcome instanceof Fenced) {
                return Result.FENCED;
            }
            cause = ((HandlerFailed) outcome).cause();
            if (Sql.isTransient(cause)) {
                throw cause;
            }
        }
        if (policy.action() == ErrorPolicy.Action.STOP) {
            error = cause;
            failedEvent = event;
            return Result.FAILED;
        }
        return park(event, describe(cause)) ? Result.PROGRESSED : Result.FENCED;
    }

    private boolean park(RecordedEvent event, String why) throws Exception {
        LogPosition expected = position;
        boolean moved = checkpoints.inTransaction(tx -> {
            if (!tx.compareAndSet(checkpointName, expected, expected)) {
                return false;
            }
            tx.park(letter(event, why));
            return tx.compareAndSet(checkpointName, expected, event.position());
        });
        if (moved) {
            parkedStreams.add(event.streamId());
            parked.incrementAndGet();
            position = event.position();
        }
        return moved;
    }

    private DeadLetter letter(RecordedEvent event, String why) {
        return new DeadLetter(0, checkpointName, event.eventId(), event.streamId(), event.version(),
            event.position(), event.type(), why, clock.instant());
    }

    private static String describe(Throwable cause) {
        return cause.getClass().getName() + ": " + cause.getMessage();
    }

    private Outcome apply(List<RecordedEvent> batch) throws Exception {
        return apply(batch, false);
    }

    /**
     * Applies a batch in one transaction.
     *
     * @param wholeBatch hand the handled events to {@link Projection#handleBatch} at once (transactional stores
     *     only); on failure the caller re-runs the batch event by event to find the failing event
     */
    private Outcome apply(List<RecordedEvent> batch, boolean wholeBatch) throws Exception {
        LogPosition expected = position;
        Set<String> types = projection.eventTypes();
        Set<String> newlyParked = new HashSet<>();
        long[] handled = {0};
        long[] parkedHere = {0};
        Outcome outcome;
        try {
            outcome = checkpoints.inTransaction(tx -> {
                // locks the checkpoint row first: a second owner waits here, then finds it moved and backs off
                if (!tx.compareAndSet(checkpointName, expected, expected)) {
                    throw new FencedFailure();
                }
                ProjectionContext context = context(tx);
                Projection target = projection;
                List<RecordedEvent> toHandle = wholeBatch ? new ArrayList<>(batch.size()) : null;
                List<Integer> batchIndex = wholeBatch ? new ArrayList<>(batch.size()) : null;
                for (int i = 0; i < batch.size(); i++) {
                    RecordedEvent event = batch.get(i);
                    if (!types.contains(event.type())) {
                        continue;
                    }
                    if (parkedStreams.contains(event.streamId()) || newlyParked.contains(event.streamId())) {
                        tx.park(letter(event, "stream '" + event.streamId() + "' has an earlier parked event; "
                            + "parked to keep the stream's order"));
                        newlyParked.add(event.streamId());
                        parkedHere[0]++;
                        continue;
                    }
                    if (toHandle != null) {
                        toHandle.add(event);
                        batchIndex.add(i);
                        continue;
                    }
                    try {
                        target.handle(event, context);
                        handled[0]++;
                    } catch (Exception failure) {
                        if (checkpoints.isTransactional()) {
                            throw new HandlerFailure(i, failure);
                        }
                        // in memory nothing rolls back: keep the effects of the events before it
                        LogPosition before = i == 0 ? expected : batch.get(i - 1).position();
                        tx.compareAndSet(checkpointName, expected, before);
                        return new HandlerFailed(i, failure);
                    }
                }
                if (toHandle != null && !toHandle.isEmpty()) {
                    try {
                        target.handleBatch(toHandle, context);
                        handled[0] += toHandle.size();
                    } catch (BatchEventFailure failure) {
                        // the default handleBatch names the failing event: no second call needed to find it
                        int index = failure.indexIn(toHandle);
                        throw index < 0 ? new HandlerFailure(WHOLE_BATCH, failure)
                            : new HandlerFailure(batchIndex.get(index), failure.getCause());
                    } catch (Exception failure) {
                        throw new HandlerFailure(WHOLE_BATCH, failure);
                    }
                }
                LogPosition next = batch.get(batch.size() - 1).position();
                if (!tx.compareAndSet(checkpointName, expected, next)) {
                    throw new FencedFailure();
                }
                return new Committed(next);
            });
        } catch (FencedFailure fenced) {
            return new Fenced();
        } catch (HandlerFailure failure) {
            return new HandlerFailed(failure.index, (Exception) failure.getCause());
        }
        applied.addAndGet(handled[0]);
        if (outcome instanceof Committed committed) {
            position = committed.position();
        } else if (outcome instanceof HandlerFailed failed) {
            position = failed.index() == 0 ? expected : batch.get(failed.index() - 1).position();
        }
        parkedStreams.addAll(newlyParked);
        parked.addAndGet(parkedHere[0]);
        return outcome;
    }

    /** Waits between attempts; returns false when the wait was cut short because the runner is closing. */
    @FunctionalInterface
    interface Sleeper {
        boolean sleep(Duration duration) throws InterruptedException;
    }
}
