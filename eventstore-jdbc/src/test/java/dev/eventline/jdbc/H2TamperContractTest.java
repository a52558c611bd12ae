package dev.eventline.jdbc;

import dev.eventline.core.testkit.TamperContract;
import dev.eventline.core.testkit.TamperableStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import dev.eventline.jdbc.testing.SqlTamperableStore;
import javax.sql.DataSource;

class H2TamperContractTest extends TamperContract {
    @Override
    protected TamperableStore newTamperableStore() {
        DataSource dataSource = H2TestDatabases.inMemory();
        JdbcEventStore store = JdbcEventStore.builder(dataSource).build();
        store.createSchema();
        return new SqlTamperableStore(dataSource, store, JdbcEventStore.DEFAULT_TABLE_PREFIX);
    }
}
