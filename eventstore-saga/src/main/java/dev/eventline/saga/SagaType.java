package dev.eventline.saga;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Describes one kind of saga: how an instance starts, which events reach it (and how they find their instance),
 * how it reacts to events, command outcomes and deadlines, and how each step is compensated.
 * <p>
 * The state is a plain, immutable value (a record) that Jackson can write and read: the runner stores it as
 * JSON in the instance's stream after every input. Handlers return the new state and act through the
 * {@link SagaContext}; they must not block on I/O.
 * <p>
 * Thread-safety: immutable after {@link Builder#build()}; safe to share.
 * <pre>{@code
 * SagaType<Transfer> transfers = SagaType.builder("TransferSaga", Transfer.class)
 *     .startedBy(Transfer.class, (transfer, saga) -> {
 *         saga.send("withdraw", new WithdrawMoney(transfer.from(), transfer.amount()));
 *         return transfer;
 *     })
 *     .onStepCompleted("withdraw", (transfer, saga) -> {
 *         saga.send("deposit", new DepositMoney(transfer.to(), transfer.amount()));
 *         return transfer;
 *     })
 *     .onStepCompleted("deposit", (transfer, saga) -> { saga.complete(); return transfer; })
 *     .compensation("withdraw", transfer -> new DepositMoney(transfer.from(), transfer.amount()))
 *     .build();
 * }</pre>
 *
 * @param <S> the state type
 * @since 0.1
 */
public final class SagaType<S> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");

    private final String name;
    private final Class<S> stateType;
    private final Class<?> startDataType;
    private final SagaStartHandler<S, ?> startHandler;
    private final Map<String, EventRoute<S, ?>> startEvents;
    private final Map<String, EventRoute<S, ?>> events;
    private final Map<String, SagaStepHandler<S>> stepCompleted;
    private final Map<String, SagaRejectionHandler<S>> stepRejected;
    private final Map<String, SagaStepHandler<S>> deadlines;
    private final Map<String, Function<S, ?>> compensations;

    private SagaType(Builder<S> builder) {
        this.name = builder.name;
        this.stateType = builder.stateType;
        this.startDataType = builder.startDataType;
        this.startHandler = builder.startHandler;
        this.startEvents = Map.copyOf(builder.startEvents);
        this.events = Map.copyOf(builder.events);
        this.stepCompleted = Map.copyOf(builder.stepCompleted);
        this.stepRejected = Map.copyOf(builder.stepRejected);
        this.deadlines = Map.copyOf(builder.deadlines);
        this.compensations = Map.copyOf(builder.compensations);
    }

    /**
     * @param name the saga type's name: a letter, then letters, digits or {@code _} (at most 100); it is part of
     *     the instances' stream ids ({@code saga-<name>-<id>}), so never rename a type that has instances
     * @param stateType the state's class, read back from JSON with Jackson
     * @param <S> the state type
     * @return a builder
     */
    public static <S> Builder<S> builder(String name, Class<S> stateType) {
        return new Builder<>(name, stateType);
    }

    /** @return the saga type's name */
    public String name() {
        return name;
    }

    /** @return the state's class */
    public Class<S> stateType() {
        return stateType;
    }

    /** @return the event types this saga reacts to (starting ones included) */
    public Set<String> eventTypes() {
        var all = new HashSet<String>(startEvents.keySet());
        all.addAll(events.keySet());
        return Set.copyOf(all);
    }

    @Override
    public String toString() {
        return "SagaType[" + name + "]";
    }

    Class<?> startDataType() {
        return startDataType;
    }

    SagaStartHandler<S, ?> startHandler() {
        return startHandler;
    }

    Map<String, EventRoute<S, ?>> startEvents() {
        return startEvents;
    }

    Map<String, EventRoute<S, ?>> events() {
        return events;
    }

    SagaStepHandler<S> stepCompleted(String step) {
        return stepCompleted.get(step);
    }

    SagaRejectionHandler<S> stepRejected(String step) {
        return stepRejected.get(step);
    }

    SagaStepHandler<S> deadline(String deadline) {
        return deadlines.get(deadline);
    }

    Function<S, ?> compensation(String step) {
        return compensations.get(step);
    }

    boolean hasCompensation(String step) {
        return compensations.containsKey(step);
    }

    /**
     * How an event type reaches a saga instance: its payload class, the function that extracts the saga id, and
     * the handler (a {@link SagaStartHandler} for starting events, else a {@link SagaEventHandler}).
     */
    record EventRoute<S, E>(String eventType, Class<E> payloadType, Function<? super E, String> sagaId,
                            SagaStartHandler<S, E> start, SagaEventHandler<S, E> handler) {
    }

    /**
     * Builds a {@link SagaType}. Not thread-safe.
     *
     * @param <S> the state type
     * @since 0.1
     */
    public static final class Builder<S> {
        private final String name;
        private final Class<S> stateType;
        private Class<?> startDataType;
        private SagaStartHandler<S, ?> startHandler;
        private final Map<String, EventRoute<S, ?>> startEvents = new LinkedHashMap<>();
        private final Map<String, EventRoute<S, ?>> events = new LinkedHashMap<>();
        private final Map<String, SagaStepHandler<S>> stepCompleted = new LinkedHashMap<>();
        private final Map<String, SagaRejectionHandler<S>> stepRejected = new LinkedHashMap<>();
        private final Map<String, SagaStepHandler<S>> deadlines = new LinkedHashMap<>();
        private final Map<String, Function<S, ?>> compensations = new LinkedHashMap<>();

        private Builder(String name, Class<S> stateType) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stateType, "stateType");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Invalid saga type name '" + name + "': use a letter, then"
                    + " letters, digits or '_' (at most 100 characters), e.g. 'TransferSaga'.");
            }
            this.name = name;
            this.stateType = stateType;
        }

        /**
         * Lets instances be started explicitly, with {@link SagaRunner#startSaga}, from data of this type.
         *
         * @param dataType the starting data's class (stored as JSON, read back with Jackson)
         * @param handler builds the initial state and sends the first commands
         * @param <D> the data type
         * @return this builder
         */
        public <D> Builder<S> startedBy(Class<D> dataType, SagaStartHandler<S, D> handler) {
            this.startDataType = Objects.requireNonNull(dataType, "dataType");
            this.startHandler = Objects.requireNonNull(handler, "handler");
            return this;
        }

        /**
         * Starts an instance whenever an event of this type is appended; its id is extracted from the event, so
         * the same id twice starts one instance.
         *
         * @param eventType the event type name
         * @param payloadType the class the JSON payload is read into (a record, or Jackson's {@code JsonNode})
         * @param sagaId extracts the instance id from the payload
         * @param handler builds the initial state and sends the first commands
         * @param <E> the payload type
         * @return this builder
         */
        public <E> Builder<S> startedBy(String eventType, Class<E> payloadType, Function<? super E, String> sagaId,
                                        SagaStartHandler<S, E> handler) {
            requireNewEventType(eventType);
            startEvents.put(eventType, new EventRoute<>(eventType, Objects.requireNonNull(payloadType,
                "payloadType"), Objects.requireNonNull(sagaId, "sagaId"), Objects.requireNonNull(handler,
                "handler"), null));
            return this;
        }

        /**
         * Reacts to events of this type that correlate with a running instance: the function extracts the
         * instance id (for example a transfer id); events whose id names no running instance are ignored.
         *
         * @param eventType the event type name
         * @param payloadType the class the JSON payload is read into (a record, or Jackson's {@code JsonNode})
         * @param sagaId extracts the instance id from the payload; may return null to ignore the event
         * @param handler reacts to the event
         * @param <E> the payload type
         * @return this builder
         */
        public <E> Builder<S> on(String eventType, Class<E> payloadType, Function<? super E, String> sagaId,
                                 SagaEventHandler<S, E> handler) {
            requireNewEventType(eventType);
            events.put(eventType, new EventRoute<>(eventType, Objects.requireNonNull(payloadType, "payloadType"),
                Objects.requireNonNull(sagaId, "sagaId"), null, Objects.requireNonNull(handler, "handler")));
            return this;
        }

        /**
         * @param step a step name
         * @param handler runs when the step's command was accepted
         * @return this builder
         */
        public Builder<S> onStepCompleted(String step, SagaStepHandler<S> handler) {
            stepCompleted.put(requireName(step, "step"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Replaces the default reaction to a rejected command of this step (start compensation).
         *
         * @param step a step name
         * @param handler runs when the step's command was rejected
         * @return this builder
         */
        public Builder<S> onStepRejected(String step, SagaRejectionHandler<S> handler) {
            stepRejected.put(requireName(step, "step"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Replaces the default reaction to a passed deadline (start compensation).
         *
         * @param deadline a deadline name
         * @param handler runs when the deadline passes while the instance is running
         * @return this builder
         */
        public Builder<S> onDeadline(String deadline, SagaStepHandler<S> handler) {
            deadlines.put(requireName(deadline, "deadline"), Objects.requireNonNull(handler, "handler"));
            return this;
        }

        /**
         * Declares how to undo a completed step. The command is built from the state when compensation runs
         * (possibly after a restart), so it only depends on what the state holds.
         *
         * @param step a step name
         * @param command builds the compensating command from the state
         * @return this builder
         */
        public Builder<S> compensation(String step, Function<S, ?> command) {
            compensations.put(requireName(step, "step"), Objects.requireNonNull(command, "command"));
            return this;
        }

        /**
         * @return the saga type
         * @throws IllegalStateException when there is no way to start an instance
         */
        public SagaType<S> build() {
            if (startHandler == null && startEvents.isEmpty()) {
                throw new IllegalStateException("Saga type '" + name + "' cannot be started: call startedBy(...)"
                    + " with a data class or with a starting event type.");
            }
            return new SagaType<>(this);
        }

        private void requireNewEventType(String eventType) {
            requireName(eventType, "eventType");
            if (startEvents.containsKey(eventType) || events.containsKey(eventType)) {
                throw new IllegalArgumentException("Saga type '" + name + "' already handles event type '"
                    + eventType + "'. Handle each event type once.");
            }
        }

        private static String requireName(String value, String parameter) {
            Objects.requireNonNull(value, parameter);
            if (value.isBlank()) {
                throw new IllegalArgumentException(parameter + " must not be blank");
            }
            return value;
        }
    }
}
