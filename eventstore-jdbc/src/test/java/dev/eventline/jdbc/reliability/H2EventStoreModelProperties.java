package dev.eventline.jdbc.reliability;

import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreModelContract;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;

/** M-1 of RELIABILITY.md on H2 (in memory): the JDBC store behaves like the trivial model, result for result. */
class H2EventStoreModelProperties extends EventStoreModelContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        JdbcEventStore store = JdbcEventStore.builder(H2TestDatabases.inMemory()).clock(clock).build();
        store.createSchema();
        return store;
    }
}
