package dev.eventline.projections;

import dev.eventline.jdbc.testing.H2TestDatabases;
import javax.sql.DataSource;

/** The inline projection contract on H2 in memory. */
class H2InlineProjectionsTest extends InlineProjectionsContract {

    @Override
    protected DataSource freshDatabase() {
        return H2TestDatabases.inMemory();
    }
}
