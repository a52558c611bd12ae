package dev.eventline.jdbc;

import dev.eventline.core.ConfigurationException;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL: keeps the log's transaction ids ahead of every stored one after the database was dumped and restored
 * into another cluster (whose transaction ids start again from a few hundred).
 * <p>
 * The store writes {@code tx_id = transaction id + tx_offset} and reads below {@code oldest running transaction id
 * + tx_offset} (schema V3, table {@code log_epoch}). Before its first append or read of the log, each store
 * instance checks once, in a transaction holding the offset row's lock, whether the largest stored {@code tx_id}
 * is at or above the ids the cluster hands out next ({@code pg_snapshot_xmax} + offset). Only after a restore is
 * it; the check then raises the offset so that the next id is one above the largest stored one, and logs it.
 * <p>
 * Why this cannot reorder the log: the checks of all instances take the same row lock, so they run one after
 * another. Once one check has aligned the offset (or found it aligned), every id handed out afterwards lies above
 * every stored {@code tx_id}, so no later check finds anything to raise: the offset changes only before the first
 * append made with it, never under an append in flight. Not covered: a store instance that kept running while its
 * database was restored under it (restart applications after a restore, as with any database restore).
 * <p>
 * Thread-safety: safe for concurrent use; the check runs at most once per instance (again after it failed).
 */
final class TransactionIdAlignment {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);

    private static final String LOCK = "SELECT tx_offset FROM ${schema}${prefix}log_epoch WHERE id = 1 FOR UPDATE";

    /** The largest stored tx_id (the primary key's first column: one index probe) and the next id to hand out. */
    private static final String STATE = """
        SELECT (SELECT tx_id FROM ${schema}${prefix}events ORDER BY tx_id DESC, global_position DESC LIMIT 1),
               pg_snapshot_xmax(pg_current_snapshot())::text::bigint""";

    /** Makes this transaction's own id plus the new offset one above the largest stored tx_id. */
    private static final String RAISE = """
        UPDATE ${schema}${prefix}log_epoch SET tx_offset = ? - pg_current_xact_id()::text::bigint + 1,
        aligned_at = clock_timestamp() WHERE id = 1 RETURNING tx_offset""";

    private final DataSource dataSource;
    private final String lockSql;
    private final String stateSql;
    private final String raiseSql;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile boolean aligned;

    TransactionIdAlignment(DataSource dataSource, String schema, String tablePrefix) {
        this.dataSource = dataSource;
        this.lockSql = Identifiers.render(LOCK, schema, tablePrefix);
        this.stateSql = Identifiers.render(STATE, schema, tablePrefix);
        this.raiseSql = Identifiers.render(RAISE, schema, tablePrefix);
    }

    /** Runs the check unless this instance already has; cheap (one volatile read) after the first call. */
    void ensureAligned() {
        if (aligned) {
            return;
        }
        checking.lock();
        try {
            if (!aligned) {
                align();
            }
        } finally {
            checking.unlock();
        }
    }

    /**
     * Checks now (also when this instance checked before) and, after a restore, raises the offset.
     *
     * @return the offset raised to, or -1 when it was already aligned
     */
    long align() {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            long raised;
            try {
                raised = alignIn(connection);
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                EventRows.rollback(connection, e);
                try {
                    connection.setAutoCommit(autoCommit);
                } catch (SQLException restore) {
                    e.addSuppressed(restore);
                }
                throw e;
            }
            // not in a finally: on a broken connection this fails too and would hide the cause (a retryable one)
            connection.setAutoCommit(autoCommit);
            aligned = true;
            if (raised >= 0) {
                LOG.warn("The event log's transaction ids were ahead of this PostgreSQL cluster's (a dump restored "
                    + "into another cluster?): tx_offset raised to {} so that new events follow the stored ones.",
                    raised);
            }
            return raised;
        } catch (SQLException e) {
            throw SqlErrors.translate("Checking the event log's transaction ids against the cluster's", e);
        }
    }

    private long alignIn(Connection connection) throws SQLException {
        long offset;
        try (PreparedStatement lock = connection.prepareStatement(lockSql);
             ResultSet row = lock.executeQuery()) {
            if (!row.next()) {
                throw new ConfigurationException("The row of table log_epoch is missing. Run createSchema() "
                    + "(it applies schema version 3, which creates it).");
            }
            offset = row.getLong(1);
        }
        long largest;
        long next;
        try (PreparedStatement state = connection.prepareStatement(stateSql);
             ResultSet row = state.executeQuery()) {
            row.next();
            largest = row.getLong(1);
            if (row.wasNull()) {
                return -1;
            }
            next = row.getLong(2);
        }
        if (largest < next + offset) {
            return -1;
        }
        try (PreparedStatement raise = connection.prepareStatement(raiseSql)) {
            raise.setLong(1, largest);
            try (ResultSet row = raise.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        }
    }
}
