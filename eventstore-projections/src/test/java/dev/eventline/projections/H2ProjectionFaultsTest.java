package dev.eventline.projections;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The projection fault scenarios on H2 in memory: events, read model and checkpoints in one fresh database. */
class H2ProjectionFaultsTest extends ProjectionFaultsContract {

    private final String url = "jdbc:h2:mem:projection_faults_" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1" + H2TestDatabases.SETTINGS;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private JdbcEventStore store;

    @Override
    protected DataSource newPool() {
        HikariDataSource pool = H2TestDatabases.pool(url, 4);
        pools.add(pool);
        return pool;
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (var connection = pools.get(0).getConnection(); var statement = connection.createStatement()) {
            statement.execute("DROP ALL OBJECTS");
        }
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
        return "H2";
    }
}
