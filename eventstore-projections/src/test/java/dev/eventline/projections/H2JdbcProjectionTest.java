package dev.eventline.projections;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;

/** The JDBC projection contract on H2 (in memory), events in the in-memory store. */
class H2JdbcProjectionTest extends JdbcProjectionContract {

    private final String url = "jdbc:h2:mem:projections_" + UUID.randomUUID().toString().replace("-", "")
        + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000";
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
