package dev.eventline.jdbc.branch;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.branch.Branches;
import dev.eventline.core.testkit.EventStoreContract;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A branch kept in H2 is an {@link EventStore}: it passes the same contract as every store. Every test gets a new
 * branch of one empty main store; branches never write to main, so each starts empty, and the database is only
 * created once.
 */
class H2BranchStoreEventStoreContractTest extends EventStoreContract {

    private static final AtomicInteger BRANCHES = new AtomicInteger();
    private static HikariDataSource pool;
    private static JdbcEventStore main;
    private static JdbcBranchStorage storage;

    @Override
    protected EventStore newStore(InstantSource clock) {
        if (pool == null) {
            pool = H2TestDatabases.inMemory();
            main = JdbcEventStore.builder(pool).dialect(Dialect.h2()).build();
            main.createSchema();
            storage = JdbcBranchStorage.builder(pool).dialect(Dialect.h2()).build();
            storage.createSchema();
        }
        return Branches.builder(main).storage(storage).clock(clock).build()
            .create("contract-" + BRANCHES.incrementAndGet());
    }
}
