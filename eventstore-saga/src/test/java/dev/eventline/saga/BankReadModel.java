package dev.eventline.saga;

import dev.eventline.core.RecordedEvent;
import dev.eventline.projections.Projection;
import dev.eventline.projections.ProjectionContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * A JDBC read model of the {@link EventSourcedBank}'s balances, in the same database as the events. Each applied
 * event also inserts its id into {@code bank_applied}, whose primary key turns a double application into a handler
 * failure; so "applied once" is checked by the database, not by the test's arithmetic.
 */
final class BankReadModel {

    static final String NAME = "bank_balances";
    static final Set<String> TYPES = Set.of("AccountOpened", "Deposited", "Withdrawn");

    private BankReadModel() {
    }

    /** @param pausePerEvent slows each event down, so that a kill lands in the middle of a batch */
    static Projection projection(Duration pausePerEvent) {
        var builder = Projection.builder(NAME)
            .tables("bank_balance", "bank_applied")
            .setUp(tx -> {
                try (Statement statement = tx.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("bank_balance")
                        + " (account VARCHAR(200) PRIMARY KEY, amount BIGINT NOT NULL)");
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("bank_applied")
                        + " (event_id UUID PRIMARY KEY)");
                }
            });
        for (String type : TYPES) {
            builder.on(type, (event, tx) -> apply(event, tx, pausePerEvent));
        }
        return builder.build();
    }

    private static void apply(RecordedEvent event, ProjectionContext tx, Duration pause) throws Exception {
        if (!pause.isZero()) {
            Thread.sleep(pause.toMillis());
        }
        Connection connection = tx.connection();
        try (PreparedStatement seen = connection.prepareStatement(
            "INSERT INTO " + tx.table("bank_applied") + " (event_id) VALUES (?)")) {
            seen.setObject(1, event.eventId());
            seen.executeUpdate();
        }
        long delta = EventSourcedBank.signedAmount(event);
        try (PreparedStatement update = connection.prepareStatement(
            "UPDATE " + tx.table("bank_balance") + " SET amount = amount + ? WHERE account = ?")) {
            update.setLong(1, delta);
            update.setString(2, event.streamId());
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + tx.table("bank_balance") + " (account, amount) VALUES (?, ?)")) {
                    insert.setString(1, event.streamId());
                    insert.setLong(2, delta);
                    insert.executeUpdate();
                }
            }
        }
    }

    /** @return the read model: balance per account stream */
    static Map<String, Long> balances(DataSource dataSource) throws SQLException {
        Map<String, Long> balances = new TreeMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT account, amount FROM bank_balance")) {
            while (rows.next()) {
                balances.put(rows.getString(1), rows.getLong(2));
            }
        }
        return balances;
    }

    /** @return how many events the read model has applied */
    static long applied(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM bank_applied")) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
