package dev.eventline.core;

import dev.eventline.core.testkit.EventStoreContract;
import java.time.InstantSource;

/** Holds {@link InMemoryEventStore} to the contract every store follows. */
final class InMemoryEventStoreContractTest extends EventStoreContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        return InMemoryEventStore.builder().clock(clock).build();
    }
}
