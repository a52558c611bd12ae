package dev.eventline.jdbc;

/**
 * H2 2.x (in memory or file): appends are serialized by a row lock on one log-head row, so global positions are
 * handed out in commit order and a reader may follow the position alone.
 * <p>
 * Why this is exact: every append first increments the single {@code log_head} row, which locks it until the
 * append commits or rolls back. A second append therefore cannot take a position until the first has finished,
 * so positions become visible in ascending order with no gap a later commit could fill (a rolled-back append
 * returns its positions with the row). {@link dev.eventline.core.LogPosition#commit()} equals the position.
 * <p>
 * H2 waits for that lock at most its {@code LOCK_TIMEOUT} (1 s by default): with many concurrent writers add
 * {@code ;LOCK_TIMEOUT=10000} to the URL. A timeout surfaces as a retryable
 * {@link dev.eventline.core.StorageException}.
 * <p>
 * Thread-safety: immutable, safe for concurrent use.
 *
 * @since 0.1
 */
public final class H2Dialect implements Dialect {

    static final H2Dialect INSTANCE = new H2Dialect();

    static final String EVENT_COLUMNS = PostgresDialect.EVENT_COLUMNS;

    /** Taken first in every append: the lock that serializes appends. Returns the new last position. */
    static final String ALLOCATE = """
        SELECT last_position FROM FINAL TABLE (UPDATE ${schema}${prefix}log_head
        SET last_position = last_position + ? WHERE id = 1)""";

    static final String LOCK_STREAM = PostgresDialect.LOCK_STREAM;
    static final String INSERT_STREAM = PostgresDialect.INSERT_STREAM;
    static final String UPDATE_STREAM = PostgresDialect.UPDATE_STREAM;
    static final String INSERT_EVENT = PostgresDialect.INSERT_EVENT;
    static final String STREAM_VERSION = PostgresDialect.STREAM_VERSION;
    static final String READ_STREAM_FORWARDS = PostgresDialect.READ_STREAM_FORWARDS;
    static final String READ_STREAM_BACKWARDS = PostgresDialect.READ_STREAM_BACKWARDS;
    static final String READ_STREAM_BETWEEN = PostgresDialect.READ_STREAM_BETWEEN;

    static final String READ_ALL = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE global_position > ? ORDER BY global_position LIMIT ?""";

    static final String READ_ALL_BETWEEN = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE global_position > ? AND recorded_at >= ? AND recorded_at < ?
        ORDER BY global_position LIMIT ?""";

    /** The committed value of the log head is the newest committed position: appends are gapless. */
    static final String HEAD_POSITION = "SELECT last_position FROM ${schema}${prefix}log_head WHERE id = 1";

    static final String FIND_BY_IDS = PostgresDialect.FIND_BY_IDS;
    static final String STREAM_IDS = PostgresDialect.STREAM_IDS;

    static final String SNAPSHOT_SAVE = """
        MERGE INTO ${schema}${prefix}snapshots (stream_id, stream_version, state_revision, state, taken_at)
        KEY (stream_id, stream_version) VALUES (?, ?, ?, ?, ?)""";

    static final String SNAPSHOT_LATEST_AT_OR_BEFORE = PostgresDialect.SNAPSHOT_LATEST_AT_OR_BEFORE;
    static final String SNAPSHOT_DELETE = PostgresDialect.SNAPSHOT_DELETE;

    private H2Dialect() {
    }

    @Override
    public String folder() {
        return "h2";
    }

    @Override
    public boolean usesTransactionIdOrder() {
        return false;
    }

    @Override
    public String toString() {
        return "H2";
    }
}
