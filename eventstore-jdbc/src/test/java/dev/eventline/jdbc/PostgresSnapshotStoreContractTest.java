package dev.eventline.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.core.testkit.SnapshotStoreContract;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

class PostgresSnapshotStoreContractTest extends SnapshotStoreContract {
    private final List<HikariDataSource> pools = new ArrayList<>();

    @Override
    protected SnapshotStore newSnapshotStore() {
        HikariDataSource pool = PostgresTestServer.shared().newSchema(4);
        pools.add(pool);
        JdbcSnapshotStore store = JdbcSnapshotStore.builder(pool).dialect(Dialect.postgres()).build();
        store.createSchema();
        return store;
    }

    @AfterEach
    void close_the_pools() {
        pools.forEach(HikariDataSource::close);
    }
}
