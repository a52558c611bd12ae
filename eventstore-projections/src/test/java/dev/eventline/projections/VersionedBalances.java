package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A balances read model whose schema changes between deployments, as a real one does: version 1 has
 * {@code balance(account, cents)} and {@code applied_event(event_id)}; version 2 ADDS {@code balance.events} and
 * {@code applied_event.stream_id}; version 3 RETYPES {@code balance.cents} (BIGINT to DECIMAL) and
 * {@code applied_event.stream_id} (VARCHAR(200) to VARCHAR(100)). Each version can be told from its tables alone,
 * so a reader can check that both tables it read come from the same version.
 */
final class VersionedBalances {

    static final String NAME = "versioned_balances";

    /** The deployed version: setUp and the handlers use it; a test bumps it before a rebuild. */
    final AtomicInteger version = new AtomicInteger(1);

    Projection projection() {
        return Projection.builder(NAME)
            .tables("balance", "applied_event")
            .setUp(tx -> {
                int v = version.get();
                try (Statement statement = tx.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("balance")
                        + " (account VARCHAR(200) PRIMARY KEY, cents " + (v >= 3 ? "DECIMAL(20,2)" : "BIGINT")
                        + " NOT NULL" + (v >= 2 ? ", events BIGINT NOT NULL" : "") + ")");
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("applied_event")
                        + " (event_id UUID PRIMARY KEY" + (v >= 2 ? ", stream_id VARCHAR(" + (v >= 3 ? 100 : 200)
                        + ") NOT NULL" : "") + ")");
                }
            })
            .on("MoneyDeposited", this::apply)
            .on("MoneyWithdrawn", this::apply)
            .build();
    }

    private void apply(RecordedEvent event, ProjectionContext tx) throws SQLException {
        int v = version.get();
        Connection connection = tx.connection();
        try (PreparedStatement seen = connection.prepareStatement("INSERT INTO " + tx.table("applied_event")
            + (v >= 2 ? " (event_id, stream_id) VALUES (?, ?)" : " (event_id) VALUES (?)"))) {
            seen.setObject(1, event.eventId());
            if (v >= 2) {
                seen.setString(2, event.streamId());
            }
            seen.executeUpdate();
        }
        long delta = TestEvents.signedCents(event);
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + tx.table("balance")
            + " SET cents = cents + ?" + (v >= 2 ? ", events = events + 1" : "") + " WHERE account = ?")) {
            update.setLong(1, delta);
            update.setString(2, event.streamId());
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tx.table("balance")
                    + (v >= 2 ? " (account, cents, events) VALUES (?, ?, 1)" : " (account, cents) VALUES (?, ?)"))) {
                    insert.setString(1, event.streamId());
                    insert.setLong(2, delta);
                    insert.executeUpdate();
                }
            }
        }
    }

    /**
     * What a reader saw of the read model through one {@link LiveTables}.
     *
     * @param balanceVersion the version the balance table is of
     * @param appliedVersion the version the applied_event table is of
     * @param total the sum of the balances
     * @param applied the applied events
     * @param counted the sum of the per-account event counts (version 2 on), else -1
     */
    record Seen(int balanceVersion, int appliedVersion, long total, long applied, long counted) {

        /** @return null when this is one complete read model of {@code events} events summing to {@code sum} */
        String wrong(long sum, long events) {
            if (balanceVersion != appliedVersion) {
                return "a mix of versions: " + this;
            }
            if (total != sum || applied != events || (balanceVersion >= 2 && counted != events)) {
                return "a partial read model: " + this;
            }
            return null;
        }
    }

    /** Reads both tables through names resolved once: every query below names the same generation. */
    static Seen read(Connection connection, LiveTables tables) throws SQLException {
        String balance = tables.table("balance");
        String applied = tables.table("applied_event");
        int balanceVersion;
        int appliedVersion;
        try (Statement statement = connection.createStatement()) {
            try (ResultSet none = statement.executeQuery("SELECT * FROM " + balance + " WHERE 1 = 0")) {
                ResultSetMetaData meta = none.getMetaData();
                balanceVersion = meta.getColumnCount() == 2 ? 1 : meta.getColumnType(2) == java.sql.Types.BIGINT ? 2 : 3;
            }
            try (ResultSet none = statement.executeQuery("SELECT * FROM " + applied + " WHERE 1 = 0")) {
                ResultSetMetaData meta = none.getMetaData();
                appliedVersion = meta.getColumnCount() == 1 ? 1 : meta.getPrecision(2) == 200 ? 2 : 3;
            }
            try (ResultSet row = statement.executeQuery("SELECT (SELECT COALESCE(SUM(cents), 0) FROM " + balance
                + "), (SELECT COUNT(*) FROM " + applied + "), "
                + (balanceVersion >= 2 ? "(SELECT COALESCE(SUM(events), 0) FROM " + balance + ")" : "-1"))) {
                row.next();
                return new Seen(balanceVersion, appliedVersion, row.getLong(1), row.getLong(2), row.getLong(3));
            }
        }
    }
}
