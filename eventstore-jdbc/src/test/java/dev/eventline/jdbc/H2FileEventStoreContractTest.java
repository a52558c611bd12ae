package dev.eventline.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreContract;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;

class H2FileEventStoreContractTest extends EventStoreContract {
    private HikariDataSource pool;

    @Override
    protected EventStore newStore(InstantSource clock) {
        pool = H2TestDatabases.inTempFile();
        JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.h2()).clock(clock).build();
        store.createSchema();
        return store;
    }

    @AfterEach
    void close_the_pool() {
        pool.close();
    }
}
