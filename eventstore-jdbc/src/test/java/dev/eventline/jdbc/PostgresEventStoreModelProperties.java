package dev.eventline.jdbc;

import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreModelContract;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.time.InstantSource;

class PostgresEventStoreModelProperties extends EventStoreModelContract {
    @Override
    protected EventStore newStore(InstantSource clock) {
        JdbcEventStore store = JdbcEventStore.builder(PostgresTestServer.shared().newSchema(4))
            .dialect(Dialect.postgres()).clock(clock).build();
        store.createSchema();
        return store;
    }
}
