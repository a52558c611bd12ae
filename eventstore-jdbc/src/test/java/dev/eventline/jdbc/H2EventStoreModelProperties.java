package dev.eventline.jdbc;

import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreModelContract;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;

class H2EventStoreModelProperties extends EventStoreModelContract {
    @Override
    protected EventStore newStore(InstantSource clock) {
        JdbcEventStore store = JdbcEventStore.builder(H2TestDatabases.inMemory()).dialect(Dialect.h2())
            .clock(clock).build();
        store.createSchema();
        return store;
    }
}
