package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.projections.internal.Names;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A read model's event handlers: a name, the event types it handles and what to do with each.
 * <p>
 * The name identifies the projection's checkpoint, lease and dead letters, so it must stay the same across
 * restarts. Events of other types are skipped (the checkpoint still moves past them). A JDBC read model declares
 * its tables in {@link #tables()} and creates them in {@link #setUp}, always naming them through
 * {@link ProjectionContext#table(String)}: that is how a shadow rebuild writes a fresh copy while the current
 * one keeps answering queries.
 * <p>
 * Write one as a small class, or with {@link #builder(String)}:
 * <pre>{@code
 * Projection balances = Projection.builder("account_balance")
 *     .tables("balances")
 *     .setUp(tx -> execute(tx, "create table if not exists " + tx.table("balances") + " (id varchar(64) primary key, cents bigint)"))
 *     .on("MoneyDeposited", (event, tx) -> addCents(tx, event, +1))
 *     .on("MoneyWithdrawn", (event, tx) -> addCents(tx, event, -1))
 *     .build();
 * }</pre>
 * Thread-safety: the runner calls one projection from one thread at a time; implementations need not be
 * thread-safe for the runner, but an in-memory read model that is also queried must be.
 *
 * @since 0.1
 */
public interface Projection {

    /**
     * @return the projection's stable name: 1 to 100 characters of {@code [A-Za-z0-9_.-]}
     */
    String name();

    /**
     * @return the logical event type names this projection handles; other events are skipped
     */
    Set<String> eventTypes();

    /**
     * Applies one event of a type in {@link #eventTypes()}.
     *
     * @param event the event
     * @param context the transaction and table names
     * @throws Exception when the event cannot be applied (the runner applies the {@link ErrorPolicy})
     */
    void handle(RecordedEvent event, ProjectionContext context) throws Exception;

    /**
     * Applies a run of events in one call, for read models that write faster in bulk (JDBC batches, one
     * multi-row statement). The runner calls it with the events of one batch that this projection handles, in
     * log order, in the batch's transaction, when the checkpoint store is transactional. If it throws, the
     * transaction rolls back. The default implementation calls {@link #handle} for each event and tells the runner
     * which event failed, so that event's call counts as its first attempt under the {@link ErrorPolicy} (it is
     * retried after each backoff, {@code 1 + maxRetries} calls in all). An override does not say which event
     * failed: the runner then re-applies the batch with {@link #handle}, event by event, to find it, after the
     * policy's first backoff, and that pass counts as the failing event's first retry (with {@code maxRetries} 0
     * it runs at once, so the failing event is called twice). So an override must have the same effects as
     * calling {@link #handle} for each event.
     *
     * @param events events of types in {@link #eventTypes()}, in log order, not empty
     * @param context the transaction and table names
     * @throws Exception when the events cannot be applied; nothing of the batch is committed
     */
    default void handleBatch(java.util.List<RecordedEvent> events, ProjectionContext context) throws Exception {
        for (int i = 0; i < events.size(); i++) {
            try {
                handle(events.get(i), context);
            } catch (Exception failure) {
                throw new BatchEventFailure(events, i, failure);
            }
        }
    }

    /**
     * @return the base names of the JDBC tables this projection owns (default: none); each must match
     *     {@code [a-z_][a-z0-9_]{0,49}}
     */
    default Set<String> tables() {
        return Set.of();
    }

    /**
     * Creates the read model's tables if they do not exist, naming them with {@link ProjectionContext#table}.
     * Called at start and before a shadow rebuild, in its own transaction. Default: nothing.
     *
     * @param context the transaction and table names
     * @throws Exception when the tables cannot be created
     */
    default void setUp(ProjectionContext context) throws Exception {
    }

    /**
     * Empties the read model before a truncate-and-replay rebuild, in the transaction that also resets the
     * checkpoint. Default: {@code DELETE FROM} each table of {@link #tables()} (nothing for in-memory models,
     * which should override this to clear their state).
     *
     * @param context the transaction and table names
     * @throws Exception when the read model cannot be emptied
     */
    default void reset(ProjectionContext context) throws Exception {
        if (tables().isEmpty()) {
            return;
        }
        try (Statement statement = context.connection().createStatement()) {
            for (String table : tables()) {
                statement.executeUpdate("DELETE FROM " + context.table(table));
            }
        }
    }

    /**
     * @param name the projection's stable name
     * @return a builder for a projection made of lambdas
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Builds a {@link Projection} from lambdas.
     * <p>
     * Thread-safety: not thread-safe; build on one thread. The built projection is immutable.
     */
    final class Builder {
        private final String name;
        private final Map<String, EventHandler> handlers = new LinkedHashMap<>();
        private final Set<String> tables = new LinkedHashSet<>();
        private ContextAction setUp = context -> { };
        private ContextAction reset;
        private EventSerializer serializer;

        private Builder(String name) {
            this.name = Names.projectionName(name);
        }

        /**
         * @param type a logical event type name
         * @param handler what to do with events of that type
         * @return this builder
         * @throws IllegalArgumentException when {@code type} already has a handler
         */
        public Builder on(String type, EventHandler handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            if (handlers.putIfAbsent(type, handler) != null) {
                throw new IllegalArgumentException("event type '" + type + "' already has a handler in projection '"
                    + name + "'. Register one handler per type.");
            }
            return this;
        }

        /**
         * @param type a logical event type name
         * @param handler what to do with events of that type (for in-memory read models)
         * @return this builder
         */
        public Builder on(String type, Consumer<RecordedEvent> handler) {
            Objects.requireNonNull(handler, "handler");
            return on(type, (event, context) -> handler.accept(event));
        }

        /**
         * @param serializer decodes events for the typed {@link #on(Class, TypedHandler)} handlers
         * @return this builder
         */
        public Builder decodeWith(EventSerializer serializer) {
            this.serializer = Objects.requireNonNull(serializer, "serializer");
            return this;
        }

        /**
         * Handles a registered event class, decoded (and upcast) by the {@link #decodeWith} serializer. The
         * projection subscribes to the class's current type name in the serializer's
         * {@link dev.eventline.core.serialization.EventTypes}.
         *
         * @param eventClass an event class registered in the serializer's types
         * @param handler what to do with such events
         * @param <E> the event class
         * @return this builder
         * @throws IllegalStateException when {@link #decodeWith} was not called first
         * @throws dev.eventline.core.ConfigurationException when the class is not registered
         */
        public <E> Builder on(Class<E> eventClass, TypedHandler<E> handler) {
            Objects.requireNonNull(eventClass, "eventClass");
            Objects.requireNonNull(handler, "handler");
            if (serializer == null) {
                throw new IllegalStateException("call decodeWith(serializer) before on(" + eventClass.getSimpleName()
                    + ".class, handler) in projection '" + name + "'.");
            }
            EventSerializer decoder = serializer;
            String type = decoder.types().findName(eventClass).orElseThrow(() ->
                new dev.eventline.core.ConfigurationException("class " + eventClass.getName() + " is not registered "
                    + "in the serializer's EventTypes (projection '" + name + "'). Register it with a type name."));
            return on(type, (event, context) ->
                handler.handle(decoder.deserialize(event, eventClass), event, context));
        }

        /**
         * @param baseNames the base names of the tables this projection owns
         * @return this builder
         */
        public Builder tables(String... baseNames) {
            for (String table : baseNames) {
                tables.add(Names.tableBaseName(table));
            }
            return this;
        }

        /**
         * @param action creates the read model's tables if missing (see {@link Projection#setUp})
         * @return this builder
         */
        public Builder setUp(ContextAction action) {
            this.setUp = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * @param action empties the read model (see {@link Projection#reset}); default: delete every table's rows
         * @return this builder
         */
        public Builder reset(ContextAction action) {
            this.reset = Objects.requireNonNull(action, "action");
            return this;
        }

        /**
         * @return the projection
         * @throws dev.eventline.core.ConfigurationException when no handler was registered
         */
        public Projection build() {
            if (handlers.isEmpty()) {
                throw new dev.eventline.core.ConfigurationException("projection '" + name
                    + "' has no handlers. Register at least one with on(type, handler).");
            }
            return new LambdaProjection(name, Map.copyOf(handlers), Set.copyOf(tables), setUp, reset);
        }
    }

    /**
     * Applies one decoded event; see {@link Builder#on(Class, TypedHandler)}.
     *
     * @param <E> the event class
     */
    @FunctionalInterface
    interface TypedHandler<E> {
        /**
         * @param event the decoded event
         * @param recorded the event as stored (stream, version, position, metadata)
         * @param context the transaction and table names
         * @throws Exception when the event cannot be applied
         */
        void handle(E event, RecordedEvent recorded, ProjectionContext context) throws Exception;
    }

    /**
     * A set-up or reset step of a {@link Builder}-made projection.
     */
    @FunctionalInterface
    interface ContextAction {
        /**
         * @param context the transaction and table names
         * @throws Exception when the step fails
         */
        void run(ProjectionContext context) throws Exception;
    }
}
