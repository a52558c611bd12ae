package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * A JDBC read model of balances. Each applied event also inserts its id into {@code applied_event}, whose primary
 * key turns any double application into a handler failure the tests would see.
 */
final class JdbcBalances {

    static final String NAME = "jdbc_balances";

    private JdbcBalances() {
    }

    static Projection projection() {
        return projection(event -> false, new AtomicInteger());
    }

    /**
     * @param poison events the handler throws on
     * @param applied counts successful handler calls (committed or not)
     */
    static Projection projection(Predicate<RecordedEvent> poison, AtomicInteger applied) {
        return Projection.builder(NAME)
            .tables("balance", "applied_event")
            .setUp(tx -> {
                try (Statement statement = tx.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("balance")
                        + " (account VARCHAR(200) PRIMARY KEY, cents BIGINT NOT NULL)");
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("applied_event")
                        + " (event_id UUID PRIMARY KEY)");
                }
            })
            .on("MoneyDeposited", (event, tx) -> apply(event, tx, poison, applied))
            .on("MoneyWithdrawn", (event, tx) -> apply(event, tx, poison, applied))
            .build();
    }

    private static void apply(RecordedEvent event, ProjectionContext tx, Predicate<RecordedEvent> poison,
                              AtomicInteger applied) throws SQLException {
        if (poison.test(event)) {
            throw new IllegalArgumentException("poison event " + event.streamId() + "@" + event.version());
        }
        Connection connection = tx.connection();
        try (PreparedStatement seen = connection.prepareStatement(
            "INSERT INTO " + tx.table("applied_event") + " (event_id) VALUES (?)")) {
            seen.setObject(1, event.eventId());
            seen.executeUpdate();
        }
        long delta = TestEvents.signedCents(event);
        try (PreparedStatement update = connection.prepareStatement(
            "UPDATE " + tx.table("balance") + " SET cents = cents + ? WHERE account = ?")) {
            update.setLong(1, delta);
            update.setString(2, event.streamId());
            if (update.executeUpdate() == 0) {
                try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO " + tx.table("balance") + " (account, cents) VALUES (?, ?)")) {
                    insert.setString(1, event.streamId());
                    insert.setLong(2, delta);
                    insert.executeUpdate();
                }
            }
        }
        applied.incrementAndGet();
    }

    /**
     * The same read model written in bulk: one JDBC batch of inserts and one update per account per batch.
     *
     * @param poison events the batch handler and the single-event handler throw on
     * @param batchCalls counts handleBatch calls
     */
    static Projection bulk(Predicate<RecordedEvent> poison, AtomicInteger batchCalls) {
        Projection single = projection(poison, new AtomicInteger());
        return new Projection() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public java.util.Set<String> eventTypes() {
                return single.eventTypes();
            }

            @Override
            public java.util.Set<String> tables() {
                return single.tables();
            }

            @Override
            public void setUp(ProjectionContext context) throws Exception {
                single.setUp(context);
            }

            @Override
            public void handle(RecordedEvent event, ProjectionContext context) throws Exception {
                single.handle(event, context);
            }

            @Override
            public void handleBatch(java.util.List<RecordedEvent> events, ProjectionContext tx) throws Exception {
                batchCalls.incrementAndGet();
                java.util.Map<String, Long> deltas = new java.util.LinkedHashMap<>();
                try (PreparedStatement seen = tx.connection().prepareStatement(
                    "INSERT INTO " + tx.table("applied_event") + " (event_id) VALUES (?)")) {
                    for (RecordedEvent event : events) {
                        if (poison.test(event)) {
                            throw new IllegalArgumentException("poison event " + event.streamId() + "@"
                                + event.version());
                        }
                        seen.setObject(1, event.eventId());
                        seen.addBatch();
                        deltas.merge(event.streamId(), TestEvents.signedCents(event), Long::sum);
                    }
                    seen.executeBatch();
                }
                for (var delta : deltas.entrySet()) {
                    try (PreparedStatement update = tx.connection().prepareStatement(
                        "UPDATE " + tx.table("balance") + " SET cents = cents + ? WHERE account = ?")) {
                        update.setLong(1, delta.getValue());
                        update.setString(2, delta.getKey());
                        if (update.executeUpdate() == 0) {
                            try (PreparedStatement insert = tx.connection().prepareStatement(
                                "INSERT INTO " + tx.table("balance") + " (account, cents) VALUES (?, ?)")) {
                                insert.setString(1, delta.getKey());
                                insert.setLong(2, delta.getValue());
                                insert.executeUpdate();
                            }
                        }
                    }
                }
            }
        };
    }

    static long total(DataSource dataSource) throws SQLException {
        return single(dataSource, "SELECT COALESCE(SUM(cents), 0) FROM balance");
    }

    static long appliedEvents(DataSource dataSource) throws SQLException {
        return single(dataSource, "SELECT COUNT(*) FROM applied_event");
    }

    static long centsOf(DataSource dataSource, String account) throws SQLException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection
            .prepareStatement("SELECT cents FROM balance WHERE account = ?")) {
            select.setString(1, account);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        }
    }

    static long single(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static void execute(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
