package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Where projections keep their bookkeeping: checkpoints, dead letters and leases (SPI).
 * <p>
 * A checkpoint is the {@link LogPosition} of the last event a projection applied. It only moves by
 * compare-and-set inside a {@link Transaction}, which is what fences a stale owner: an instance that lost its
 * lease and still tries to commit a batch finds the checkpoint moved and rolls back. With a transactional
 * (JDBC) store, the read model's rows, parked events and the checkpoint commit together.
 * <p>
 * Two implementations ship: {@link #inMemory()} (nothing survives the JVM; pair it with in-memory read models)
 * and {@link #jdbc(DataSource)} (the checkpoint lives beside JDBC read models, in the same database).
 * <p>
 * Thread-safety: implementations are safe for concurrent use.
 *
 * @since 0.1
 */
public interface CheckpointStore {

    /** @return a new, empty in-memory store */
    static CheckpointStore inMemory() {
        return InMemoryCheckpointStore.create();
    }

    /**
     * @param dataSource the database of the read models; call {@link JdbcCheckpointStore#createSchema()} once
     * @return a JDBC store with the default table prefix
     */
    static JdbcCheckpointStore jdbc(DataSource dataSource) {
        return JdbcCheckpointStore.builder(dataSource).build();
    }

    /** @return true when {@link #inTransaction} can roll back, so handlers may use {@link Transaction#connection()} */
    boolean isTransactional();

    /**
     * @param projection a projection name
     * @return the projection's checkpoint, {@link LogPosition#START} when it has none (one is then created)
     */
    LogPosition load(String projection);

    /**
     * @param projection a projection name
     * @return the generation of the projection's tables: incremented by each shadow rebuild's switch, 0 at first
     */
    int generation(String projection);

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     *
     * @param work the work
     * @param <T> the work's result type
     * @return the work's result
     * @throws Exception what the work threw, or a {@link dev.eventline.core.StorageException} when the commit failed
     */
    <T> T inTransaction(Work<T> work) throws Exception;

    /**
     * @param projection a projection name
     * @return its parked events, oldest first
     */
    List<DeadLetter> deadLetters(String projection);

    /**
     * @param projection a projection name
     * @return how many events it has parked
     */
    long deadLetterCount(String projection);

    /**
     * Takes or renews the lease on a projection: succeeds when nobody holds it, it lapsed, or {@code owner}
     * holds it already.
     *
     * @param projection a projection (or shadow copy) name
     * @param owner the runner's id
     * @param rebuilding whether the owner is rebuilding
     * @param timeout how long the lease lasts unless renewed
     * @return true when {@code owner} holds the lease now
     */
    boolean tryAcquireLease(String projection, String owner, boolean rebuilding, Duration timeout);

    /**
     * Gives up a lease, if {@code owner} holds it.
     *
     * @param projection a projection (or shadow copy) name
     * @param owner the runner's id
     */
    void releaseLease(String projection, String owner);

    /**
     * @param projection a projection (or shadow copy) name
     * @return the current lease, expired or not; empty when there never was one or it was released
     */
    Optional<Lease> lease(String projection);

    /**
     * One unit of work in a {@link Transaction}.
     *
     * @param <T> the result type
     */
    @FunctionalInterface
    interface Work<T> {
        /**
         * @param transaction the transaction
         * @return the result
         * @throws Exception to roll back
         */
        T run(Transaction transaction) throws Exception;
    }

    /**
     * The bookkeeping operations available inside {@link #inTransaction}.
     * <p>
     * Thread-safety: confined to the thread running the work.
     */
    interface Transaction {

        /**
         * @return the transaction's JDBC connection
         * @throws IllegalStateException when the store is not transactional
         */
        Connection connection();

        /**
         * Moves a checkpoint if it is still where the caller last saw it.
         *
         * @param projection a projection name
         * @param expected where the caller saw it
         * @param next where it moves to (may equal {@code expected}, to lock and check it)
         * @return false when the checkpoint was elsewhere (another owner moved it); nothing changed then
         */
        boolean compareAndSet(String projection, LogPosition expected, LogPosition next);

        /**
         * Sets a checkpoint without comparing (rebuild switches and resets).
         *
         * @param projection a projection name
         * @param position the new checkpoint
         * @param generation the new table generation
         */
        void overwrite(String projection, LogPosition position, int generation);

        /** @param projection the projection (or shadow copy) whose checkpoint to forget */
        void delete(String projection);

        /**
         * @param letter the event to park; its {@code id} is ignored and assigned by the store
         */
        void park(DeadLetter letter);

        /**
         * @param projection the projection that parked it
         * @param id the dead letter to remove (after a successful replay)
         */
        void removeDeadLetter(String projection, long id);

        /** @param projection the projection whose dead letters to drop (a rebuild re-parks what still fails) */
        void deleteDeadLetters(String projection);

        /**
         * Re-homes dead letters, when a shadow copy becomes the live projection.
         *
         * @param from the shadow copy's name
         * @param to the projection's name
         */
        void moveDeadLetters(String from, String to);
    }
}
