package dev.eventline.core.branch;

import dev.eventline.core.EventStore;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;

class InMemoryBranchContractTest extends BranchContract {

    private InMemoryBranchStorage storage;

    @Override
    protected EventStore newMainStore(InstantSource clock) {
        return InMemoryEventStore.builder().clock(clock).build();
    }

    @Override
    protected BranchStorage newStorage(EventStore main) {
        storage = new InMemoryBranchStorage();
        return storage;
    }

    @Override
    protected void tamper(BranchStore branch, String streamId, long version, String payload) {
        RecordedEvent stored = branch.readStream(streamId).filter(event -> event.version() == version).findFirst()
            .orElseThrow();
        storage.tamper(branch.record(), new RecordedEvent(stored.eventId(), stored.streamId(), stored.version(),
            stored.position(), stored.recordedAt(), stored.type(), stored.schemaVersion(),
            payload.getBytes(StandardCharsets.UTF_8), stored.metadata(), stored.checksum()));
    }
}
