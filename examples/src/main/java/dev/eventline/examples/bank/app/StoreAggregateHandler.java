package dev.eventline.examples.bank.app;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * An {@link AggregateHandler} written directly on {@link EventStore}: fold the stream, decide, append with the
 * loaded version as the expected version, retry on conflict.
 *
 * @param <C> the command type
 * @param <E> the event type
 * @param <S> the state type
 */
final class StoreAggregateHandler<C, E, S> implements AggregateHandler {

    /** Conflicts are retried this many times before giving up (only without a caller's expected version). */
    static final int MAX_ATTEMPTS = 50;

    private final EventStore store;
    private final EventCodec codec;
    private final AggregateKind<C, E, S> kind;

    StoreAggregateHandler(EventStore store, EventCodec codec, AggregateKind<C, E, S> kind) {
        this.store = Objects.requireNonNull(store, "store");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    @Override
    public AggregateKind<?, ?, ?> kind() {
        return kind;
    }

    @Override
    public AppendResult handle(String aggregateId, Object command, ExpectedVersion expected,
                               EventMetadata metadata) {
        C typed = kind.commandType().cast(command);
        for (int attempt = 1; ; attempt++) {
            LoadedState loaded;
            try (Stream<RecordedEvent> events = store.readStream(aggregateId)) {
                loaded = fold(aggregateId, events);
            }
            if (expected != null && !expected.isSatisfiedBy(loaded.version())) {
                throw new ConcurrencyConflictException(aggregateId, expected, loaded.version(), 0);
            }
            @SuppressWarnings("unchecked")
            S state = (S) loaded.state();
            List<E> decided = kind.decide().apply(typed, state);
            var data = new ArrayList<EventData>(decided.size());
            for (E event : decided) {
                data.add(codec.encode(event, metadata, UUID.randomUUID()));
            }
            try {
                return store.append(aggregateId, ExpectedVersion.exactly(loaded.version()), data);
            } catch (ConcurrencyConflictException e) {
                if (expected != null || attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 2_000_000L * Math.min(attempt, 10)));
            }
        }
    }

    @Override
    public LoadedState load(String aggregateId, boolean useSnapshot, Long toVersion) {
        long max = toVersion == null ? Long.MAX_VALUE : toVersion;
        try (Stream<RecordedEvent> events = store.readStream(aggregateId, ReadDirection.FORWARDS, 1, max)) {
            return fold(aggregateId, events);
        }
    }

    @Override
    public LoadedState loadAsOf(String aggregateId, Instant asOf) {
        try (Stream<RecordedEvent> events = store.readStreamBetween(aggregateId, Instant.EPOCH,
            asOf.plusNanos(1_000))) {
            return fold(aggregateId, events);
        }
    }

    private LoadedState fold(String aggregateId, Stream<RecordedEvent> events) {
        S state = kind.initial();
        long version = 0;
        long count = 0;
        for (RecordedEvent recorded : (Iterable<RecordedEvent>) events::iterator) {
            if (!kind.owns(recorded.type())) {
                throw new BusinessRuleException("aggregate_type_mismatch", "Aggregate '" + aggregateId
                    + "' is not a " + kind.name() + " (its events include " + recorded.type()
                    + "). Use another aggregate_id.");
            }
            state = kind.evolve().apply(state, kind.eventType().cast(codec.decode(recorded)));
            version = recorded.version();
            count++;
        }
        return new LoadedState(state, version, count, null);
    }
}
