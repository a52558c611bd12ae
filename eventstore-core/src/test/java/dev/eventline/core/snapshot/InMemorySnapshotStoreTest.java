package dev.eventline.core.snapshot;

import dev.eventline.core.testkit.SnapshotStoreContract;

class InMemorySnapshotStoreTest extends SnapshotStoreContract {

    @Override
    protected SnapshotStore newSnapshotStore() {
        return new InMemorySnapshotStore();
    }
}
