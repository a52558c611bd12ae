package dev.eventline.jdbc.command;

import dev.eventline.jdbc.testing.PostgresTestServer;
import javax.sql.DataSource;

class PostgresJdbcIdempotencyStoreTest extends JdbcIdempotencyStoreBehaviour {

    @Override
    protected DataSource freshDatabase() {
        return PostgresTestServer.shared().newSchema();
    }
}
