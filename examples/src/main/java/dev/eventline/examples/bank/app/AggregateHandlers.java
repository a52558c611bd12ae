package dev.eventline.examples.bank.app;

import dev.eventline.core.EventStore;
import dev.eventline.examples.bank.BankConfig;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Creates one {@link AggregateHandler} per aggregate kind. */
public final class AggregateHandlers {

    private AggregateHandlers() {
    }

    /**
     * @param config the settings (snapshot frequency)
     * @param store the event store
     * @param codec the event type registry
     * @param dataSource the database (for snapshots)
     * @param resources where to register anything that must be closed
     * @return the handlers
     */
    public static List<AggregateHandler> create(BankConfig config, EventStore store, EventCodec codec,
                                                DataSource dataSource, List<AutoCloseable> resources) {
        var handlers = new ArrayList<AggregateHandler>();
        for (AggregateKind<?, ?, ?> kind : dev.eventline.examples.bank.BankDomain.kinds()) {
            handlers.add(handler(store, codec, kind));
        }
        return handlers;
    }

    private static <C, E, S> AggregateHandler handler(EventStore store, EventCodec codec, AggregateKind<C, E, S> kind) {
        return new StoreAggregateHandler<>(store, codec, kind);
    }
}
