package dev.eventline.benchmarks;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The read model of the projection benchmarks: one balance row per stream, one {@code UPDATE} per event (the
 * first event of a stream inserts the row). Shared by the Eventline projection and its plain-JDBC ceiling so
 * that both do exactly the same SQL.
 * <p>
 * Thread-safety: stateless.
 */
final class BalanceReadModel {

    private BalanceReadModel() {
    }

    static void createTable(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (stream_id VARCHAR(200) PRIMARY KEY, "
                + "balance NUMERIC(19, 2) NOT NULL, movements BIGINT NOT NULL)");
        }
    }

    /** Decodes the payload and applies it to the stream's row. */
    static void apply(Connection c, String table, String streamId, String type, byte[] payload)
        throws SQLException {
        BankEvents.BankEvent event = BankEvents.decode(type, payload);
        BigDecimal amount = event instanceof BankEvents.MoneyDeposited d ? d.amount()
            : ((BankEvents.MoneyWithdrawn) event).amount().negate();
        try (PreparedStatement update = c.prepareStatement("UPDATE " + table
            + " SET balance = balance + ?, movements = movements + 1 WHERE stream_id = ?")) {
            update.setBigDecimal(1, amount);
            update.setString(2, streamId);
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
            + " (stream_id, balance, movements) VALUES (?, ?, 1)")) {
            insert.setString(1, streamId);
            insert.setBigDecimal(2, amount);
            insert.executeUpdate();
        }
    }

    /** Fails unless the read model counted exactly {@code expected} movements. */
    static void check(DataSource dataSource, String table, long expected) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT SUM(movements) FROM " + table)) {
            rs.next();
            if (rs.getLong(1) != expected) {
                throw new IllegalStateException("read model " + table + " counted " + rs.getLong(1)
                    + " movements, expected " + expected);
            }
        }
    }
}
