package dev.eventline.jdbc;

/**
 * PostgreSQL (13 or newer): events carry the writing transaction's id and readers only take rows below the
 * oldest running transaction, so the global log has an exact order without serializing writers.
 * <p>
 * Why this is exact: {@code pg_snapshot_xmin(pg_current_snapshot())} is the smallest transaction id still
 * running when the reading statement took its snapshot. Every transaction below it has finished, so every row
 * they committed is visible to that statement, and every row committed later belongs to a transaction whose id
 * is at least that horizon. The rows a reader is handed are therefore final, and anything that becomes visible
 * later sorts after them in {@code (tx_id, global_position)} order: a cursor on that pair never skips an event.
 * The price is that one long open writing transaction (anywhere in the cluster) holds every reader back; see
 * {@link JdbcEventStore#horizonStatus()}.
 * <p>
 * Thread-safety: immutable, safe for concurrent use.
 *
 * @since 0.1
 */
public final class PostgresDialect implements Dialect {

    static final PostgresDialect INSTANCE = new PostgresDialect();

    /**
     * The horizon: every stored {@code tx_id} below it belongs to a transaction that has committed or rolled back.
     * Stored ids are the transaction's id plus the log's offset (schema V3; zero unless the database was restored
     * into another cluster, see {@link TransactionIdAlignment}), so the horizon adds it too.
     */
    static final String HORIZON = """
        (pg_snapshot_xmin(pg_current_snapshot())::text::bigint
         + (SELECT tx_offset FROM ${schema}${prefix}log_epoch WHERE id = 1))""";

    /** The id the current transaction stores in {@code tx_id}: its transaction id plus the log's offset. */
    static final String TX_ID = """
        (pg_current_xact_id()::text::bigint + (SELECT tx_offset FROM ${schema}${prefix}log_epoch WHERE id = 1))""";

    static final String EVENT_COLUMNS = """
        global_position, tx_id, stream_id, stream_version, event_id, event_type, schema_version, recorded_at, \
        payload, metadata, checksum""";

    static final String LOCK_STREAM = """
        SELECT stream_version, last_checksum FROM ${schema}${prefix}streams WHERE stream_id = ? FOR UPDATE""";

    /**
     * The start of an append, two statements sent in one round trip. First the stream's advisory lock: it assigns
     * no transaction id. Then, under that lock, the stream's head row (if any), the transaction's id and {@code n}
     * fresh positions (sorted in Java).
     * <p>
     * Why the order matters: the log is read in {@code (tx_id, global_position)} order, so a stream's next append
     * must carry a larger transaction id than its previous one. Transaction ids are handed out in increasing order
     * when first needed; here that is strictly after the stream's lock was acquired, and the previous appender of
     * the stream got its id before it released the lock (at commit). Taking the id in the same statement as a row
     * lock would not do: PostgreSQL may assign it before waiting for the lock, so a later version could get a
     * smaller id (seen in the O-1 test). Lock keys: (hash of schema and prefix, hash of stream id); a collision
     * only makes two streams wait for each other.
     * <p>
     * Why the head row is read without {@code FOR UPDATE}: every writer of the row holds the stream's advisory
     * lock, which the previous holder releases only after its commit became visible, and this statement takes its
     * snapshot after the lock was granted, so it reads the latest head. Whatever else might move the row is caught
     * by the write, which moves the head only from the version read here (0 rows: a conflict, nothing written). A
     * row lock would add a WAL record and a dirtied page to every append and guard nothing more.
     */
    static final String LOCK_AND_ALLOCATE = """
        SELECT pg_advisory_xact_lock(?, ?);
        SELECT h.stream_version, h.last_checksum, a.tx_id, a.position
        FROM (SELECT ${txid} AS tx_id,
                     nextval('${schema}${prefix}events_position_seq') AS position
              FROM generate_series(1, ?)) a
        LEFT JOIN (SELECT stream_version, last_checksum FROM ${schema}${prefix}streams
                   WHERE stream_id = ?) h ON true""";

    /**
     * {@link #LOCK_AND_ALLOCATE} for one event (parameters: the two lock keys, the stream id), the common single
     * append. Why a statement of its own: PostgreSQL estimates {@code generate_series(1, $n)} at 1,000 rows in a
     * generic plan and at {@code n} rows once the value is known, so the generic plan always looks dearer and the
     * server plans {@code LOCK_AND_ALLOCATE} afresh on every execution (measured: ~0.2 ms of server CPU, more than
     * executing it). Without the series the cached generic plan is used.
     */
    static final String LOCK_AND_ALLOCATE_ONE = """
        SELECT pg_advisory_xact_lock(?, ?);
        SELECT h.stream_version, h.last_checksum, ${txid} AS tx_id,
               nextval('${schema}${prefix}events_position_seq') AS position
        FROM (SELECT 1) a
        LEFT JOIN (SELECT stream_version, last_checksum FROM ${schema}${prefix}streams
                   WHERE stream_id = ?) h ON true""";

    static final String INSERT_STREAM = """
        INSERT INTO ${schema}${prefix}streams (stream_id, stream_version, last_checksum) VALUES (?, ?, ?)""";

    static final String UPDATE_STREAM = """
        UPDATE ${schema}${prefix}streams SET stream_version = ?, last_checksum = ?
        WHERE stream_id = ? AND stream_version = ?""";

    static final String INSERT_EVENT = """
        INSERT INTO ${schema}${prefix}events (global_position, tx_id, stream_id, stream_version, event_id, \
        event_type, schema_version, recorded_at, payload, metadata, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    /**
     * The rows of an append as one statement over arrays, appended to a head-row statement named {@code head}
     * that returns the stream id (see {@link #WRITE_NEW_STREAM}, {@link #WRITE_NEXT_VERSIONS}). Parameters after
     * the head's: the transaction id, the stream's version before the append (the n-th row gets that plus n), the
     * recording time, then one array per column: positions, event ids, types, schema versions, payloads, metadata
     * and checksums, all in version order.
     * <p>
     * Why arrays: the statement text is the same for every batch size, so the server prepares it once per
     * connection, and its size on the wire is the data alone (a rewritten multi-row batch has 11 parameters per
     * row and one statement text per chunk size). When the head statement touches no row, the join with it
     * inserts nothing and the caller sees 0 rows.
     */
    private static final String INSERT_ROWS = """
        INSERT INTO ${schema}${prefix}events (global_position, tx_id, stream_id, stream_version, event_id, \
        event_type, schema_version, recorded_at, payload, metadata, checksum)
        SELECT e.global_position, ?, head.stream_id, ? + e.n, e.event_id, e.event_type, e.schema_version, \
        ?::timestamptz, e.payload, e.metadata, e.checksum
        FROM head, unnest(?::bigint[], ?::uuid[], ?::text[], ?::integer[], ?::bytea[], ?::text[], ?::text[])
            WITH ORDINALITY AS e(global_position, event_id, event_type, schema_version, payload, metadata, \
            checksum, n)""";

    /** The head row of a new stream: stream id, version, last checksum. */
    private static final String NEW_STREAM_HEAD = """
        WITH head AS (INSERT INTO ${schema}${prefix}streams (stream_id, stream_version, last_checksum)
                      VALUES (?, ?, ?) RETURNING stream_id)
        """;

    /**
     * The rest of an append to a new stream in one round trip: the head row (stream id, version, last checksum;
     * a unique violation when another append created it first), then {@code INSERT_ROWS}.
     */
    static final String WRITE_NEW_STREAM = NEW_STREAM_HEAD + INSERT_ROWS;

    /** The head row moved from the version read: new version, last checksum, stream id, version read. */
    private static final String NEXT_VERSION_HEAD = """
        WITH head AS (UPDATE ${schema}${prefix}streams SET stream_version = ?, last_checksum = ?
                      WHERE stream_id = ? AND stream_version = ? RETURNING stream_id)
        """;

    /**
     * The rest of an append to an existing stream in one round trip: the head row moves from the version the
     * append read (new version, last checksum, stream id, version read), then {@code INSERT_ROWS}; no rows when
     * the head moved meanwhile.
     */
    static final String WRITE_NEXT_VERSIONS = NEXT_VERSION_HEAD + INSERT_ROWS;

    /**
     * {@code INSERT_ROWS} for one event: the same row from plain parameters instead of one-element arrays (the
     * driver encodes no arrays and the server parses none). Parameters after the head's: position, transaction id,
     * version, event id, type, schema version, recording time, payload, metadata, checksum.
     */
    private static final String INSERT_ROW = """
        INSERT INTO ${schema}${prefix}events (global_position, tx_id, stream_id, stream_version, event_id, \
        event_type, schema_version, recorded_at, payload, metadata, checksum)
        SELECT ?::bigint, ?::bigint, head.stream_id, ?::bigint, ?::uuid, ?::text, ?::integer, ?::timestamptz, \
        ?::bytea, ?::text, ?::text FROM head""";

    /** {@link #WRITE_NEW_STREAM} for one event. */
    static final String WRITE_NEW_STREAM_ONE = NEW_STREAM_HEAD + INSERT_ROW;

    /** {@link #WRITE_NEXT_VERSIONS} for one event. */
    static final String WRITE_NEXT_VERSION_ONE = NEXT_VERSION_HEAD + INSERT_ROW;

    static final String STREAM_VERSION = """
        SELECT stream_version, last_checksum FROM ${schema}${prefix}streams WHERE stream_id = ?""";

    /*
     * Stream reads order by (stream_id, stream_version) although stream_id is fixed: that is the unique index's
     * exact column list, which H2 needs to read a page straight off the index. With ORDER BY stream_version alone
     * H2 scans every row from the cursor to the end of the stream and sorts them, per page (quadratic in the
     * stream's length). PostgreSQL plans both forms the same.
     */
    static final String READ_STREAM_FORWARDS = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE stream_id = ? AND stream_version >= ?
        ORDER BY stream_id, stream_version LIMIT ?""";

    static final String READ_STREAM_BACKWARDS = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE stream_id = ? AND stream_version <= ?
        ORDER BY stream_id DESC, stream_version DESC LIMIT ?""";

    static final String READ_STREAM_BETWEEN = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE stream_id = ? AND stream_version > ?
        AND recorded_at >= ? AND recorded_at < ? ORDER BY stream_id, stream_version LIMIT ?""";

    static final String READ_ALL = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE tx_id < ${horizon}
        AND (tx_id, global_position) > (?, ?) ORDER BY tx_id, global_position LIMIT ?""";

    static final String READ_ALL_BETWEEN = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE tx_id < ${horizon}
        AND (tx_id, global_position) > (?, ?) AND recorded_at >= ? AND recorded_at < ?
        ORDER BY tx_id, global_position LIMIT ?""";

    static final String HEAD_POSITION = """
        SELECT tx_id, global_position FROM ${schema}${prefix}events WHERE tx_id < ${horizon}
        ORDER BY tx_id DESC, global_position DESC LIMIT 1""";

    static final String FIND_BY_IDS = """
        SELECT ${columns} FROM ${schema}${prefix}events WHERE event_id = ANY(?) ORDER BY stream_id, stream_version""";

    static final String STREAM_IDS = """
        SELECT stream_id FROM ${schema}${prefix}streams WHERE stream_id > ? ORDER BY stream_id LIMIT ?""";

    static final String SNAPSHOT_SAVE = """
        INSERT INTO ${schema}${prefix}snapshots (stream_id, stream_version, state_revision, state, taken_at)
        VALUES (?, ?, ?, ?, ?) ON CONFLICT (stream_id, stream_version) DO UPDATE
        SET state_revision = EXCLUDED.state_revision, state = EXCLUDED.state, taken_at = EXCLUDED.taken_at""";

    static final String SNAPSHOT_LATEST_AT_OR_BEFORE = """
        SELECT stream_id, stream_version, state_revision, state, taken_at FROM ${schema}${prefix}snapshots
        WHERE stream_id = ? AND stream_version <= ? ORDER BY stream_id DESC, stream_version DESC LIMIT 1""";

    static final String SNAPSHOT_DELETE = "DELETE FROM ${schema}${prefix}snapshots WHERE stream_id = ?";

    /** The writing transaction that has been open longest, as seen by this role. */
    static final String OLDEST_WRITER = """
        SELECT pid, datname, usename, application_name, state,
               EXTRACT(EPOCH FROM (clock_timestamp() - xact_start))::float8
        FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
        ORDER BY age(backend_xid) DESC LIMIT 1""";

    /** Prepared (two-phase) transactions hold the horizon too, and survive restarts. */
    static final String OLDEST_PREPARED = """
        SELECT gid, database, owner, EXTRACT(EPOCH FROM (clock_timestamp() - prepared))::float8
        FROM pg_prepared_xacts ORDER BY prepared LIMIT 1""";

    private PostgresDialect() {
    }

    @Override
    public String folder() {
        return "postgres";
    }

    @Override
    public boolean usesTransactionIdOrder() {
        return true;
    }

    @Override
    public String toString() {
        return "PostgreSQL";
    }
}
