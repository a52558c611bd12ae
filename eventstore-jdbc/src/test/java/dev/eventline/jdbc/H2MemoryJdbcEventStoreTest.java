package dev.eventline.jdbc;

import dev.eventline.jdbc.testing.H2TestDatabases;
import javax.sql.DataSource;

class H2MemoryJdbcEventStoreTest extends JdbcEventStoreBehaviour {
    @Override
    protected DataSource newDataSource() {
        return H2TestDatabases.inMemory();
    }
}
