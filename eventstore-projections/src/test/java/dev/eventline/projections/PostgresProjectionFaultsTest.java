package dev.eventline.projections;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.jdbc.HorizonStatus;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The projection fault scenarios on a real PostgreSQL: a fresh schema per test for events, read model and checkpoints. */
class PostgresProjectionFaultsTest extends ProjectionFaultsContract {

    private final String schema = PostgresTestServer.shared().newSchemaName();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private JdbcEventStore store;
    /** A pool of its own, so that reading the sessions never waits behind a stalled test's pools. */
    private DataSource diagnostics;

    @Override
    protected DataSource newPool() {
        HikariDataSource pool = PostgresTestServer.shared().dataSource(schema, 4);
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }

    @Override
    protected EventStore store() {
        if (store == null) {
            store = JdbcEventStore.builder(newPool()).build();
            store.createSchema();
        }
        return store;
    }

    @Override
    protected Optional<String> transactionHoldingTheLog() {
        HorizonStatus horizon = ((JdbcEventStore) store()).horizonStatus();
        return horizon.holder().isEmpty() ? Optional.empty()
            : Optional.of(horizon.holder() + ", open for " + horizon.age() + databaseActivity());
    }

    @Override
    protected String databaseActivity() {
        StringBuilder sessions = new StringBuilder();
        if (diagnostics == null) {
            diagnostics = newPool();
        }
        try (Connection connection = diagnostics.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT pid, state, backend_xid, wait_event_type, wait_event, "
                 + "pg_blocking_pids(pid), clock_timestamp() - xact_start, left(query, 160) FROM pg_stat_activity "
                 + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND state <> 'idle'")) {
            while (rows.next()) {
                sessions.append("\n  pid ").append(rows.getLong(1)).append(' ').append(rows.getString(2))
                    .append(", xid ").append(rows.getString(3)).append(", wait ").append(rows.getString(4))
                    .append('/').append(rows.getString(5)).append(", blocked by ").append(rows.getString(6))
                    .append(", transaction open ").append(rows.getString(7)).append(": ").append(rows.getString(8));
            }
        } catch (SQLException e) {
            sessions.append(" (could not be read: ").append(e).append(')');
        }
        return sessions.toString();
    }

    @Override
    protected String database() {
        return "PostgreSQL";
    }
}
