package dev.eventline.projections;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The JDBC projection contract on a real PostgreSQL (embedded), a fresh schema per test. */
class PostgresJdbcProjectionTest extends JdbcProjectionContract {

    private final String url = LocalPostgres.freshSchemaUrl();
    private final EventStore store = EventStore.inMemory();
    private final List<HikariDataSource> pools = new ArrayList<>();

    @Override
    protected DataSource newPool() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(4);
        config.setConnectionTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(config);
        pools.add(pool);
        return pool;
    }

    @Override
    protected EventStore store() {
        return store;
    }

    @AfterEach
    void closePools() {
        pools.forEach(HikariDataSource::close);
    }
}
