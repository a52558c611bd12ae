package dev.eventline.projections;

import dev.eventline.jdbc.testing.PostgresTestServer;
import javax.sql.DataSource;

/** The inline projection contract on a real PostgreSQL (embedded, or {@code EVENTLINE_TEST_PG_URL}). */
class PostgresInlineProjectionsTest extends InlineProjectionsContract {

    @Override
    protected DataSource freshDatabase() {
        return PostgresTestServer.shared().newSchema();
    }
}
