package dev.eventline.core;

import dev.eventline.core.testkit.EventStoreModelContract;
import java.time.InstantSource;

/** Compares {@link InMemoryEventStore} with a trivial model over random operation sequences. */
final class InMemoryEventStoreModelProperties extends EventStoreModelContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        return InMemoryEventStore.builder().clock(clock).build();
    }
}
