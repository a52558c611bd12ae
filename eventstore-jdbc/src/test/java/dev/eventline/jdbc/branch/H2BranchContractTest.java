package dev.eventline.jdbc.branch;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.branch.BranchContract;
import dev.eventline.core.branch.BranchStorage;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;

class H2BranchContractTest extends BranchContract {

    private HikariDataSource pool;

    @Override
    protected EventStore newMainStore(InstantSource clock) {
        pool = H2TestDatabases.inMemory();
        JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.h2()).clock(clock).build();
        store.createSchema();
        return store;
    }

    @Override
    protected BranchStorage newStorage(EventStore main) {
        JdbcBranchStorage storage = JdbcBranchStorage.builder(pool).dialect(Dialect.h2()).build();
        storage.createSchema();
        return storage;
    }

    @Override
    protected void tamper(BranchStore branch, String streamId, long version, String payload) {
        JdbcBranchFixture.tamper(pool, branch, streamId, version, payload);
    }
}
