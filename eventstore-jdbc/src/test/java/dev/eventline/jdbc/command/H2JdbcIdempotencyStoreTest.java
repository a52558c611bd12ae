package dev.eventline.jdbc.command;

import dev.eventline.jdbc.testing.H2TestDatabases;
import javax.sql.DataSource;

class H2JdbcIdempotencyStoreTest extends JdbcIdempotencyStoreBehaviour {

    @Override
    protected DataSource freshDatabase() {
        return H2TestDatabases.inMemory();
    }
}
