package dev.eventline.saga;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;

class PostgresSagaRunnerTest extends SagaRunnerContract {

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
        close_runners();
        pool.close();
    }
}
