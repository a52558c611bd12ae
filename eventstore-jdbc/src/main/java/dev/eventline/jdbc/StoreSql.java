package dev.eventline.jdbc;

import dev.eventline.jdbc.internal.Identifiers;

/**
 * The event store's statements for one dialect, with the table names filled in once at build time.
 * {@code writeNewStream} and {@code writeNextVersions} (head row and event rows in one statement) and the
 * {@code ...One} forms for a single event ({@code allocateOne}: the start of such an append) are PostgreSQL's; they
 * are null on H2, which writes the head row and then a batch of {@code insertEvent}.
 */
record StoreSql(String lockStream, String allocate, String allocateOne, String insertStream, String updateStream,
                String insertEvent, String writeNewStream, String writeNextVersions, String writeNewStreamOne,
                String writeNextVersionOne, String streamVersion,
                String readStreamForwards, String readStreamBackwards, String readStreamBetween, String readAll,
                String readAllBetween, String headPosition, String findByIds, String streamIds) {

    static StoreSql of(Dialect dialect, String schema, String prefix) {
        if (dialect instanceof PostgresDialect) {
            return new StoreSql(
                r(PostgresDialect.LOCK_STREAM, schema, prefix), r(PostgresDialect.LOCK_AND_ALLOCATE, schema, prefix),
                r(PostgresDialect.LOCK_AND_ALLOCATE_ONE, schema, prefix),
                r(PostgresDialect.INSERT_STREAM, schema, prefix), r(PostgresDialect.UPDATE_STREAM, schema, prefix),
                r(PostgresDialect.INSERT_EVENT, schema, prefix), r(PostgresDialect.WRITE_NEW_STREAM, schema, prefix),
                r(PostgresDialect.WRITE_NEXT_VERSIONS, schema, prefix),
                r(PostgresDialect.WRITE_NEW_STREAM_ONE, schema, prefix),
                r(PostgresDialect.WRITE_NEXT_VERSION_ONE, schema, prefix),
                r(PostgresDialect.STREAM_VERSION, schema, prefix),
                r(PostgresDialect.READ_STREAM_FORWARDS, schema, prefix),
                r(PostgresDialect.READ_STREAM_BACKWARDS, schema, prefix),
                r(PostgresDialect.READ_STREAM_BETWEEN, schema, prefix), r(PostgresDialect.READ_ALL, schema, prefix),
                r(PostgresDialect.READ_ALL_BETWEEN, schema, prefix), r(PostgresDialect.HEAD_POSITION, schema, prefix),
                r(PostgresDialect.FIND_BY_IDS, schema, prefix), r(PostgresDialect.STREAM_IDS, schema, prefix));
        } else if (dialect instanceof H2Dialect) {
            return new StoreSql(
                r(H2Dialect.LOCK_STREAM, schema, prefix), r(H2Dialect.ALLOCATE, schema, prefix), null,
                r(H2Dialect.INSERT_STREAM, schema, prefix), r(H2Dialect.UPDATE_STREAM, schema, prefix),
                r(H2Dialect.INSERT_EVENT, schema, prefix), null, null, null, null,
                r(H2Dialect.STREAM_VERSION, schema, prefix),
                r(H2Dialect.READ_STREAM_FORWARDS, schema, prefix), r(H2Dialect.READ_STREAM_BACKWARDS, schema, prefix),
                r(H2Dialect.READ_STREAM_BETWEEN, schema, prefix), r(H2Dialect.READ_ALL, schema, prefix),
                r(H2Dialect.READ_ALL_BETWEEN, schema, prefix), r(H2Dialect.HEAD_POSITION, schema, prefix),
                r(H2Dialect.FIND_BY_IDS, schema, prefix), r(H2Dialect.STREAM_IDS, schema, prefix));
        }
        throw new IllegalStateException("unexpected Dialect: " + dialect.getClass().getName());
    }

    private static String r(String sql, String schema, String prefix) {
        return render(sql, schema, prefix);
    }

    /** A statement template with every placeholder filled in (also for tests that EXPLAIN the statements). */
    static String render(String sql, String schema, String prefix) {
        // the horizon and the transaction id name tables themselves: in first, then the names are rendered
        return Identifiers.render(sql.replace("${horizon}", PostgresDialect.HORIZON)
                .replace("${txid}", PostgresDialect.TX_ID), schema, prefix)
            .replace("${columns}", PostgresDialect.EVENT_COLUMNS);
    }
}
