package dev.eventline.saga;

import dev.eventline.core.EventStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;

class H2SagaRunnerTest extends SagaRunnerContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        JdbcEventStore store = JdbcEventStore.builder(H2TestDatabases.inMemory()).clock(clock).build();
        store.createSchema();
        return store;
    }
}
