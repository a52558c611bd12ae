package dev.eventline.examples.bank;

import dev.eventline.core.EventStore;
import dev.eventline.core.snapshot.InMemorySnapshotStore;
import dev.eventline.core.snapshot.SnapshotStore;
import java.util.List;
import javax.sql.DataSource;

/** Opens the event store on the application's database. */
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
        // Until the JDBC store is wired, events live in memory.
        return EventStore.inMemory();
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
