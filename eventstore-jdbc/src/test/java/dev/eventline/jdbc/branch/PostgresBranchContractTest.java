package dev.eventline.jdbc.branch;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.branch.BranchContract;
import dev.eventline.core.branch.BranchStorage;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;

class PostgresBranchContractTest extends BranchContract {

    private HikariDataSource pool;

    @Override
    protected EventStore newMainStore(InstantSource clock) {
        pool = PostgresTestServer.shared().newSchema(6);
        JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).clock(clock).build();
        store.createSchema();
        return store;
    }

    @Override
    protected BranchStorage newStorage(EventStore main) {
        JdbcBranchStorage storage = JdbcBranchStorage.builder(pool).dialect(Dialect.postgres()).build();
        storage.createSchema();
        return storage;
    }

    @Override
    protected void tamper(BranchStore branch, String streamId, long version, String payload) {
        JdbcBranchFixture.tamper(pool, branch, streamId, version, payload);
    }

    @AfterEach
    void close_the_pool() {
        pool.close();
    }
}
