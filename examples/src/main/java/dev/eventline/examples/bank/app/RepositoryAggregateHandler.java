package dev.eventline.examples.bank.app;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.aggregate.Loaded;
import java.time.Instant;
import java.util.Objects;

/**
 * An {@link AggregateHandler} on Eventline's {@link AggregateRepository}: one repository with snapshots for
 * commands and ordinary loads, one without for replays that ask not to use them.
 *
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 */
final class RepositoryAggregateHandler<C, E, S> implements AggregateHandler {

    private final AggregateKind<C, E, S> kind;
    private final AggregateRepository<C, E, S> withSnapshots;
    private final AggregateRepository<C, E, S> withoutSnapshots;

    RepositoryAggregateHandler(AggregateKind<C, E, S> kind, AggregateRepository<C, E, S> withSnapshots,
                               AggregateRepository<C, E, S> withoutSnapshots) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.withSnapshots = Objects.requireNonNull(withSnapshots, "withSnapshots");
        this.withoutSnapshots = Objects.requireNonNull(withoutSnapshots, "withoutSnapshots");
    }

    @Override
    public AggregateKind<?, ?, ?> kind() {
        return kind;
    }

    @Override
    public AppendResult handle(String aggregateId, Object command, ExpectedVersion expected,
                               EventMetadata metadata) {
        C typed = kind.commandType().cast(command);
        return expected == null
            ? withSnapshots.handle(aggregateId, typed, metadata)
            : withSnapshots.handle(aggregateId, typed, expected, metadata);
    }

    @Override
    public LoadedState load(String aggregateId, boolean useSnapshot, Long toVersion) {
        AggregateRepository<C, E, S> repository = useSnapshot ? withSnapshots : withoutSnapshots;
        return state(toVersion == null ? repository.load(aggregateId, useSnapshot)
            : repository.loadAtVersion(aggregateId, toVersion));
    }

    @Override
    public LoadedState loadAsOf(String aggregateId, Instant asOf) {
        return state(withSnapshots.loadAsOf(aggregateId, asOf));
    }

    private static LoadedState state(Loaded<?> loaded) {
        return new LoadedState(loaded.state(), loaded.version(), loaded.eventsReplayed(),
            loaded.snapshotVersion() == 0 ? null : loaded.snapshotVersion());
    }
}
