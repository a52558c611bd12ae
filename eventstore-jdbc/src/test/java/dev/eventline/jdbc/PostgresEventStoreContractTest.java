package dev.eventline.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreContract;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;

class PostgresEventStoreContractTest extends EventStoreContract {
    private HikariDataSource pool;

    @Override
    protected EventStore newStore(InstantSource clock) {
        pool = PostgresTestServer.shared().newSchema(9);
        JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).clock(clock).build();
        store.createSchema();
        return store;
    }

    @AfterEach
    void close_the_pool() {
        pool.close();
    }
}
