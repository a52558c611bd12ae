package dev.eventline.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreContract;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.time.InstantSource;

/** One pool for the class (its default schema stays empty); each test's store lives in a schema of its own. */
class PostgresEventStoreContractTest extends EventStoreContract {
    private static final HikariDataSource POOL = PostgresTestServer.shared().dataSource("public", 9);

    @Override
    protected EventStore newStore(InstantSource clock) {
        JdbcEventStore store = JdbcEventStore.builder(POOL).dialect(Dialect.postgres())
            .schema(PostgresTestServer.shared().newSchemaName()).clock(clock).build();
        store.createSchema();
        return store;
    }
}
