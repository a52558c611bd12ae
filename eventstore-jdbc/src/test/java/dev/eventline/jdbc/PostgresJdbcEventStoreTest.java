package dev.eventline.jdbc;

import dev.eventline.jdbc.testing.PostgresTestServer;
import javax.sql.DataSource;

class PostgresJdbcEventStoreTest extends JdbcEventStoreBehaviour {
    @Override
    protected DataSource newDataSource() {
        return PostgresTestServer.shared().newSchema();
    }
}
