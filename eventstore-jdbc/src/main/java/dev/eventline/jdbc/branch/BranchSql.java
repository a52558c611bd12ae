package dev.eventline.jdbc.branch;

import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.internal.Identifiers;

/**
 * The branch storage's statements with the table names filled in. The dialects differ only in how an update
 * returns the new counter, so the rest is shared text.
 */
record BranchSql(String insertBranch, String findByName, String findById, String list, String counters,
                 String allocate, String lockBranch, String hasChildren, String deleteEvents, String deleteStreams,
                 String deleteBranch, String head, String lockHead, String insertHead, String updateHead, String insertEvent,
                 String findByIds, String readForwards, String readBackwards, String readAll, String streamIds,
                 String sequenceValue, String mainPosition) {

    private static final String BRANCH_COLUMNS = "branch_id, name, parent_id, fork_commit, fork_position, created_at";

    static final String EVENT_COLUMNS = """
        position_number, stream_id, stream_version, event_id, event_type, schema_version, recorded_at, payload, \
        metadata, checksum""";

    static final String INSERT_BRANCH = """
        INSERT INTO ${schema}${prefix}branches (branch_id, name, parent_id, fork_commit, fork_position, created_at, \
        last_number, event_count) VALUES (?, ?, ?, ?, ?, ?, ?, 0)""";

    static final String FIND_BY_NAME = "SELECT " + BRANCH_COLUMNS + " FROM ${schema}${prefix}branches WHERE name = ?";

    static final String FIND_BY_ID = "SELECT " + BRANCH_COLUMNS
        + " FROM ${schema}${prefix}branches WHERE branch_id = ?";

    static final String LIST = "SELECT " + BRANCH_COLUMNS + " FROM ${schema}${prefix}branches ORDER BY name";

    static final String COUNTERS = """
        SELECT last_number, event_count FROM ${schema}${prefix}branches WHERE branch_id = ?""";

    /** The first statement of every append: its row lock serializes the branch's appends until commit. */
    static final String ALLOCATE_POSTGRES = """
        UPDATE ${schema}${prefix}branches SET last_number = last_number + ?, event_count = event_count + ?
        WHERE branch_id = ? RETURNING last_number""";

    static final String ALLOCATE_H2 = """
        SELECT last_number FROM FINAL TABLE (UPDATE ${schema}${prefix}branches
        SET last_number = last_number + ?, event_count = event_count + ? WHERE branch_id = ?)""";

    static final String LOCK_BRANCH = """
        SELECT branch_id FROM ${schema}${prefix}branches WHERE branch_id = ? FOR UPDATE""";

    static final String HAS_CHILDREN = """
        SELECT branch_id FROM ${schema}${prefix}branches WHERE parent_id = ? FETCH FIRST 1 ROWS ONLY""";

    static final String DELETE_EVENTS = "DELETE FROM ${schema}${prefix}branch_events WHERE branch_id = ?";

    static final String DELETE_STREAMS = "DELETE FROM ${schema}${prefix}branch_streams WHERE branch_id = ?";

    static final String DELETE_BRANCH = "DELETE FROM ${schema}${prefix}branches WHERE branch_id = ?";

    static final String HEAD = """
        SELECT base_version, stream_version, last_checksum FROM ${schema}${prefix}branch_streams
        WHERE branch_id = ? AND stream_id = ?""";

    /**
     * The head as the append sees it: a locking read returns the newest committed row even where a plain read
     * would return the transaction's older snapshot (H2).
     */
    static final String LOCK_HEAD = HEAD + " FOR UPDATE";

    static final String INSERT_HEAD = """
        INSERT INTO ${schema}${prefix}branch_streams (branch_id, stream_id, base_version, stream_version, \
        last_checksum) VALUES (?, ?, ?, ?, ?)""";

    static final String UPDATE_HEAD = """
        UPDATE ${schema}${prefix}branch_streams SET stream_version = ?, last_checksum = ?
        WHERE branch_id = ? AND stream_id = ? AND stream_version = ?""";

    static final String INSERT_EVENT = """
        INSERT INTO ${schema}${prefix}branch_events (branch_id, position_number, stream_id, stream_version, event_id, \
        event_type, schema_version, recorded_at, payload, metadata, checksum) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    static final String FIND_BY_IDS = """
        SELECT ${columns} FROM ${schema}${prefix}branch_events WHERE branch_id = ? AND event_id = ANY(?)
        ORDER BY stream_id, stream_version""";

    /*
     * The reads order by every column of the index they use, the equality-bound ones included: H2 then walks the
     * index in order and stops after a page (EXPLAIN: "index sorted", scanCount = the page size), where
     * "ORDER BY stream_version" alone makes it read every matching row of the branch and sort them, for each page.
     * PostgreSQL plans both forms the same (an index scan with a limit).
     */

    static final String READ_FORWARDS = """
        SELECT ${columns} FROM ${schema}${prefix}branch_events WHERE branch_id = ? AND stream_id = ?
        AND stream_version >= ? ORDER BY branch_id, stream_id, stream_version LIMIT ?""";

    static final String READ_BACKWARDS = """
        SELECT ${columns} FROM ${schema}${prefix}branch_events WHERE branch_id = ? AND stream_id = ?
        AND stream_version <= ? ORDER BY branch_id DESC, stream_id DESC, stream_version DESC LIMIT ?""";

    static final String READ_ALL = """
        SELECT ${columns} FROM ${schema}${prefix}branch_events WHERE branch_id = ? AND position_number > ?
        ORDER BY branch_id, position_number LIMIT ?""";

    static final String STREAM_IDS = """
        SELECT stream_id FROM ${schema}${prefix}branch_streams WHERE branch_id = ? AND stream_id > ?
        ORDER BY branch_id, stream_id LIMIT ?""";

    /**
     * PostgreSQL: every position number the main store handed out so far is at most this, so a branch whose
     * numbers start above it never repeats a number its parent's log holds (positions there follow transaction
     * order, not number order).
     */
    static final String SEQUENCE_VALUE_POSTGRES = "SELECT last_value FROM ${schema}${prefix}events_position_seq";

    /** The transaction part of a main event's log position, found by its global position (primary key). */
    static final String MAIN_POSITION = """
        SELECT tx_id FROM ${schema}${prefix}events WHERE global_position = ?""";

    static BranchSql of(Dialect dialect, String schema, String prefix) {
        boolean postgres = dialect.usesTransactionIdOrder();
        return new BranchSql(r(INSERT_BRANCH, schema, prefix), r(FIND_BY_NAME, schema, prefix),
            r(FIND_BY_ID, schema, prefix), r(LIST, schema, prefix), r(COUNTERS, schema, prefix),
            r(postgres ? ALLOCATE_POSTGRES : ALLOCATE_H2, schema, prefix), r(LOCK_BRANCH, schema, prefix),
            r(HAS_CHILDREN, schema, prefix), r(DELETE_EVENTS, schema, prefix), r(DELETE_STREAMS, schema, prefix),
            r(DELETE_BRANCH, schema, prefix), r(HEAD, schema, prefix), r(LOCK_HEAD, schema, prefix), r(INSERT_HEAD, schema, prefix),
            r(UPDATE_HEAD, schema, prefix), r(INSERT_EVENT, schema, prefix), r(FIND_BY_IDS, schema, prefix),
            r(READ_FORWARDS, schema, prefix), r(READ_BACKWARDS, schema, prefix), r(READ_ALL, schema, prefix),
            r(STREAM_IDS, schema, prefix), postgres ? r(SEQUENCE_VALUE_POSTGRES, schema, prefix) : null,
            r(MAIN_POSITION, schema, prefix));
    }

    private static String r(String sql, String schema, String prefix) {
        return Identifiers.render(sql, schema, prefix).replace("${columns}", EVENT_COLUMNS);
    }
}
