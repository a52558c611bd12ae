package dev.eventline.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.testkit.TamperContract;
import dev.eventline.core.testkit.TamperableStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import dev.eventline.jdbc.testing.SqlTamperableStore;

class PostgresTamperContractTest extends TamperContract {
    @Override
    protected TamperableStore newTamperableStore() {
        HikariDataSource pool = PostgresTestServer.shared().newSchema(2);
        JdbcEventStore store = JdbcEventStore.builder(pool).build();
        store.createSchema();
        return new SqlTamperableStore(pool, store, JdbcEventStore.DEFAULT_TABLE_PREFIX);
    }
}
