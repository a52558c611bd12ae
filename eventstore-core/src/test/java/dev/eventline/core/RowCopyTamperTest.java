package dev.eventline.core;

import dev.eventline.core.testkit.TamperContract;
import dev.eventline.core.testkit.TamperableStore;

/** Runs the tamper contract on rows copied out of an {@link InMemoryEventStore} and verified by its hash chain. */
final class RowCopyTamperTest extends TamperContract {

    @Override
    protected TamperableStore newTamperableStore() {
        return new RowCopyTamperableStore();
    }
}
