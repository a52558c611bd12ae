package dev.eventline.core.branch;

import dev.eventline.core.EventStore;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.testkit.EventStoreContract;
import java.time.InstantSource;

/** A branch is an {@link EventStore}: it passes the same contract as every store (here, a branch of an empty one). */
class BranchStoreEventStoreContractTest extends EventStoreContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        EventStore main = InMemoryEventStore.builder().clock(clock).build();
        return Branches.builder(main).clock(clock).build().create("contract");
    }
}
