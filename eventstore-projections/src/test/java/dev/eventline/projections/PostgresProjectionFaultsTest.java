package dev.eventline.projections;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The projection fault scenarios on a real PostgreSQL: a fresh schema per test for events, read model and checkpoints. */
class PostgresProjectionFaultsTest extends ProjectionFaultsContract {

    private final String schema = PostgresTestServer.shared().newSchemaName();
    private final List<HikariDataSource> pools = new ArrayList<>();
    private JdbcEventStore store;

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
    protected String database() {
        return "PostgreSQL";
    }
}
