package dev.eventline.examples.bank.app;

import dev.eventline.core.EventStore;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.command.CommandBus;
import dev.eventline.core.command.CommandHandlers;
import dev.eventline.core.command.IdempotencyMiddleware;
import dev.eventline.core.command.IdempotencyStore;
import dev.eventline.core.command.LoggingMiddleware;
import dev.eventline.core.command.MetricsMiddleware;
import dev.eventline.core.metrics.MicrometerBusMetrics;
import dev.eventline.examples.bank.account.AccountCommand;
import dev.eventline.examples.bank.inventory.InventoryCommand;
import dev.eventline.examples.bank.order.OrderCommand;
import dev.eventline.examples.bank.user.UserCommand;
import io.micrometer.core.instrument.MeterRegistry;
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

    /**
     * Builds the command bus: one handler per aggregate (registered for its sealed command interface, so every
     * command record of the aggregate reaches it), wrapped in logging, metrics and idempotency middleware.
     *
     * @param handlers the aggregate handlers
     * @param registry where command metrics go
     * @param idempotency where command ids and their results are kept (durable: a table)
     * @return the bus
     */
    public static CommandBus commandBus(List<AggregateHandler> handlers, MeterRegistry registry,
                                        IdempotencyStore idempotency) {
        CommandBus.Builder bus = CommandBus.builder()
            .middleware(new LoggingMiddleware(), new MetricsMiddleware(MicrometerBusMetrics.of(registry)),
                IdempotencyMiddleware.of(idempotency));
        for (AggregateHandler handler : handlers) {
            register(bus, (RepositoryAggregateHandler<?, ?, ?>) handler);
        }
        return bus.build();
    }

    private static <C, E, S> void register(CommandBus.Builder bus, RepositoryAggregateHandler<C, E, S> handler) {
        AggregateKind<C, E, S> kind = handler.typedKind();
        bus.handle(kind.name(), kind.commandType(), CommandHandlers.fromRepository(handler.repository(),
            command -> aggregateIdOf(command)));
    }

    private static String aggregateIdOf(Object command) {
        if (command instanceof AccountCommand account) {
            return account.accountId();
        } else if (command instanceof OrderCommand order) {
            return order.orderId();
        } else if (command instanceof InventoryCommand inventory) {
            return inventory.productId();
        } else if (command instanceof UserCommand user) {
            return user.userId();
        }
        throw new IllegalArgumentException("not a bank command: " + command.getClass().getName());
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
