package dev.eventline.jdbc;

import dev.eventline.core.AppendResult;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that must commit, or roll back, together with an append: an inline read model, a deduplication row, an
 * outbox row. {@link JdbcEventStore} calls each hook inside the append's own transaction, after the events are
 * inserted and before the commit.
 * <p>
 * The hook writes with the given connection and must not commit, roll back, close it or change its auto-commit
 * mode. Whatever it throws rolls the whole append back: nothing of the events or of any hook stays, and the
 * caller of {@code append} gets the exception (a {@link RuntimeException} as thrown; an {@link SQLException} as a
 * {@link dev.eventline.core.StorageException}). A hook runs once per committed append: a retried append that
 * returns the original result of an earlier, committed call does not run it again, and an attempt that loses an
 * optimistic-concurrency race is rolled back with its hooks' work.
 * <p>
 * Keep hooks short: the append holds its stream's lock (and, on H2, the log's) until the commit, and on PostgreSQL
 * every {@link JdbcEventStore#readAll} reader waits for it. Hooks run only for appends to the main log, not for
 * appends to a branch.
 * <pre>{@code
 * JdbcEventStore store = JdbcEventStore.builder(dataSource)
 *     .appendHook((connection, appended) -> {
 *         try (var insert = connection.prepareStatement("insert into audit(stream_id, last_version) values (?, ?)")) {
 *             insert.setString(1, appended.streamId());
 *             insert.setLong(2, appended.currentVersion());
 *             insert.executeUpdate();
 *         }
 *     })
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface AppendHook {

    /**
     * Runs inside the append's transaction, after its events are inserted.
     *
     * @param connection the append's connection, in its open transaction
     * @param appended what the append stores; its events carry their versions, positions and checksums
     * @throws SQLException to roll the append back
     */
    void onAppend(Connection connection, AppendResult appended) throws SQLException;
}
