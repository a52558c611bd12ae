package dev.eventline.jdbc;

import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreContract;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;

class H2MemoryEventStoreContractTest extends EventStoreContract {
    @Override
    protected EventStore newStore(InstantSource clock) {
        JdbcEventStore store = JdbcEventStore.builder(H2TestDatabases.inMemory()).clock(clock).build();
        store.createSchema();
        return store;
    }
}
