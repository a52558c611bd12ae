package dev.eventline.examples.bank;

import dev.eventline.core.EventStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.core.snapshot.InMemorySnapshotStore;
import dev.eventline.core.snapshot.SnapshotStore;
import java.util.List;
import javax.sql.DataSource;

/** Opens the event store and the snapshot store on the application's database. */
final class Storage {

    private Storage() {
    }

    /**
     * @param config the settings
     * @param dataSource the database
     * @param resources where to register anything that must be closed
     * @return the event store
     */
    static EventStore openEventStore(BankConfig config, DataSource dataSource, List<AutoCloseable> resources) {
        // The application owns the pool (short connection timeout, see BankApp); the store only borrows it.
        JdbcEventStore store = JdbcEventStore.builder(dataSource).build();
        store.createSchema();
        resources.add(store);
        return store;
    }

    /**
     * @param config the settings
     * @param dataSource the database
     * @return where aggregate snapshots are kept
     */
    static SnapshotStore openSnapshotStore(BankConfig config, DataSource dataSource) {
        return new InMemorySnapshotStore();
    }
}
