package dev.eventline.jdbc;

import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.core.testkit.SnapshotStoreContract;
import dev.eventline.jdbc.testing.H2TestDatabases;

class H2SnapshotStoreContractTest extends SnapshotStoreContract {
    @Override
    protected SnapshotStore newSnapshotStore() {
        JdbcSnapshotStore store = JdbcSnapshotStore.builder(H2TestDatabases.inMemory()).dialect(Dialect.h2()).build();
        store.createSchema();
        return store;
    }
}
