package dev.eventline.examples.bank.app;

import dev.eventline.core.EventStore;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.core.snapshot.SnapshotStrategy;
import java.util.ArrayList;
import java.util.List;

/** Creates one {@link AggregateHandler} per aggregate kind, on Eventline's {@link AggregateRepository}. */
public final class AggregateHandlers {

    /**
     * Conflicts retried by a command without {@code expected_version}. Commands of one process are already
     * serialized per aggregate, so conflicts only come from other processes; the bound keeps a pathological
     * hot spot from looping forever.
     */
    public static final int MAX_RETRIES = 50;

    private AggregateHandlers() {
    }

    /**
     * @param kinds the aggregate kinds
     * @param store the event store
     * @param codec the event type registry and serializer
     * @param snapshots where snapshots are kept
     * @param snapshotFrequency take a snapshot every this many events
     * @return the handlers
     */
    public static List<AggregateHandler> create(List<AggregateKind<?, ?, ?>> kinds, EventStore store,
                                                EventCodec codec, SnapshotStore snapshots, int snapshotFrequency) {
        var handlers = new ArrayList<AggregateHandler>();
        for (AggregateKind<?, ?, ?> kind : kinds) {
            handlers.add(handler(kind, store, codec, snapshots, snapshotFrequency));
        }
        return handlers;
    }

    private static <C, E, S> AggregateHandler handler(AggregateKind<C, E, S> kind, EventStore store,
                                                      EventCodec codec, SnapshotStore snapshots,
                                                      int snapshotFrequency) {
        AggregateRepository<C, E, S> withSnapshots = AggregateRepository.builder(store, kind.aggregate(),
                codec.serializer())
            .snapshots(snapshots, SnapshotStrategy.everyEvents(snapshotFrequency))
            .maxRetries(MAX_RETRIES)
            .build();
        AggregateRepository<C, E, S> withoutSnapshots = AggregateRepository.builder(store, kind.aggregate(),
                codec.serializer())
            .maxRetries(MAX_RETRIES)
            .build();
        return new RepositoryAggregateHandler<>(kind, withSnapshots, withoutSnapshots);
    }
}
