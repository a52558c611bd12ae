package dev.eventline.saga;

import dev.eventline.core.EventStore;
import dev.eventline.core.InMemoryEventStore;
import java.time.InstantSource;

class InMemorySagaRunnerTest extends SagaRunnerContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        return InMemoryEventStore.builder().clock(clock).build();
    }
}
