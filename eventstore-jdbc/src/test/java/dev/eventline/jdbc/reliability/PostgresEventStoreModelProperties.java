package dev.eventline.jdbc.reliability;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.EventStoreModelContract;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.time.InstantSource;

/** M-1 of RELIABILITY.md on PostgreSQL: the JDBC store behaves like the trivial model, result for result. */
class PostgresEventStoreModelProperties extends EventStoreModelContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        HikariDataSource pool = PostgresTestServer.shared().newSchema();
        JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).clock(clock).build();
        store.createSchema();
        return store;
    }
}
