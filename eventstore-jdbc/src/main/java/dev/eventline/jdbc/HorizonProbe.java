package dev.eventline.jdbc;

import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the transaction holding PostgreSQL's xid horizon, and so every reader of the log, back. */
final class HorizonProbe {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);

    private HorizonProbe() {
    }

    static HorizonStatus check(DataSource dataSource, Duration horizonWarning) {
        Duration age = Duration.ZERO;
        String holder = "";
        long pid = 0;
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement statement = connection.prepareStatement(PostgresDialect.OLDEST_WRITER);
                 ResultSet row = statement.executeQuery()) {
                if (row.next()) {
                    pid = row.getLong(1);
                    age = seconds(row.getDouble(6));
                    holder = "backend pid " + pid + " (database: " + row.getString(2) + ", user: " + row.getString(3)
                        + ", application: '" + row.getString(4) + "', state: " + row.getString(5) + ")";
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(PostgresDialect.OLDEST_PREPARED);
                 ResultSet row = statement.executeQuery()) {
                if (row.next() && seconds(row.getDouble(4)).compareTo(age) > 0) {
                    age = seconds(row.getDouble(4));
                    pid = 0;
                    holder = "prepared transaction '" + row.getString(1) + "' (database: " + row.getString(2)
                        + ", owner: " + row.getString(3) + ")";
                }
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("Reading the transaction horizon", e);
        }
        HorizonStatus status = new HorizonStatus(age, holder, pid, horizonWarning);
        if (!status.isHealthy()) {
            LOG.warn("The global log is held back by {}, open for {} (threshold: {}): readAll and every subscriber "
                + "wait until it ends. Commit, roll back or terminate it (SELECT pg_terminate_backend(pid), or "
                + "ROLLBACK PREPARED 'gid').", holder, age, horizonWarning);
        }
        return status;
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.max(0, (long) (seconds * 1_000_000_000d)));
    }

}
