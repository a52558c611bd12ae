package dev.eventline.projections;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import javax.sql.DataSource;

/**
 * The JDBC projection contract on a real PostgreSQL (the shared embedded server, or {@code EVENTLINE_TEST_PG_URL}):
 * a fresh schema per test holding the events (a {@link JdbcEventStore}), the read model and the checkpoints.
 */
class PostgresJdbcProjectionTest extends JdbcProjectionContract {

    private final HikariDataSource first = PostgresTestServer.shared().newSchema();
    private final String schema = first.getDataSourceProperties().getProperty("currentSchema");
    private boolean firstHandedOut;
    private JdbcEventStore store;

    @Override
    protected DataSource newPool() {
        if (!firstHandedOut) {
            firstHandedOut = true;
            return first;
        }
        return PostgresTestServer.shared().dataSource(schema, 4);
    }

    @Override
    protected EventStore store() {
        if (store == null) {
            store = JdbcEventStore.builder(PostgresTestServer.shared().dataSource(schema, 4)).build();
            store.createSchema();
        }
        return store;
    }
}
