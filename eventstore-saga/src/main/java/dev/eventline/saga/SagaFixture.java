package dev.eventline.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.EventData;
import dev.eventline.core.EventIds;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.SerializationException;
import dev.eventline.core.serialization.EventSerializer;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Tests a {@link SagaType} without threads: given events and start calls, a controllable clock and a recording
 * command dispatcher, expect commands, a status and deadlines.
 * <p>
 * The fixture runs the real saga engine on an in-memory store, synchronously: every call returns once the saga
 * has handled everything it can. Commands are accepted unless a {@link #rejecting rejection rule} matches.
 * Exceptions from handlers propagate to the test.
 * <p>
 * Thread-safety: not thread-safe; one fixture per test.
 * <pre>{@code
 * SagaFixture.of(TransferSaga.TYPE)
 *     .rejecting(command -> command instanceof DepositMoney d && d.accountId().equals("closed"), "account closed")
 *     .start("t-1", new Transfer("a-1", "closed", new BigDecimal("10")))
 *     .expectCommands(new WithdrawMoney("a-1", new BigDecimal("10")), new DepositMoney("closed", ...),
 *                     new DepositMoney("a-1", new BigDecimal("10")))
 *     .expectStatus(SagaStatus.COMPENSATED);
 * }</pre>
 *
 * @param <S> the saga's state type
 * @since 0.1
 */
public final class SagaFixture<S> {

    /** Where the fixture's clock starts unless told otherwise. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private static final int MAX_ROUNDS = 10_000;

    private final SagaType<S> type;
    private final ManualClock clock = new ManualClock(DEFAULT_START);
    private final List<SagaCommand> commands = new ArrayList<>();
    private final List<Rejection> rejections = new ArrayList<>();
    private final LinkedHashSet<SagaIndex.Key> work = new LinkedHashSet<>();
    private ObjectMapper mapper = EventSerializer.defaultObjectMapper();
    private EventStore store;
    private SagaEngine engine;
    private String currentSagaId;

    private record Rejection(Predicate<Object> matches, String reason) {
    }

    /** A mutable clock the fixture moves forward. */
    private static final class ManualClock implements InstantSource {
        private volatile Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** What the fixture's dispatcher throws to reject a command. */
    private static final class FixtureRejection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        FixtureRejection(String reason) {
            super(reason, null, false, false);
        }
    }

    private SagaFixture(SagaType<S> type) {
        this.type = type;
    }

    /**
     * @param type the saga type under test
     * @param <S> its state type
     * @return a fixture with the clock at {@link #DEFAULT_START}
     */
    public static <S> SagaFixture<S> of(SagaType<S> type) {
        return new SagaFixture<>(Objects.requireNonNull(type, "type"));
    }

    /**
     * @param mapper the mapper the saga's payloads and state are read and written with (call before any given)
     * @return this fixture
     */
    public SagaFixture<S> objectMapper(ObjectMapper mapper) {
        requireNotStarted();
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        return this;
    }

    /**
     * @param start the clock's first instant (call before any given)
     * @return this fixture
     */
    public SagaFixture<S> startingAt(Instant start) {
        requireNotStarted();
        clock.now = Objects.requireNonNull(start, "start");
        return this;
    }

    /**
     * Rejects the commands that match, as a command bus whose business rule says no would.
     *
     * @param command which command payloads to reject
     * @param reason the rejection's message
     * @return this fixture
     */
    public SagaFixture<S> rejecting(Predicate<Object> command, String reason) {
        rejections.add(new Rejection(Objects.requireNonNull(command, "command"),
            Objects.requireNonNull(reason, "reason")));
        return this;
    }

    /**
     * Starts an instance explicitly and lets it run; it becomes the instance the expectations look at.
     *
     * @param sagaId the instance's id
     * @param data the starting data
     * @return this fixture
     */
    public SagaFixture<S> start(String sagaId, Object data) {
        engine().startSaga(type, sagaId, data);
        currentSagaId = sagaId;
        return run();
    }

    /**
     * Appends an event (its payload written as JSON) and lets the sagas react. When it starts an instance, that
     * instance becomes the one the expectations look at.
     *
     * @param streamId the stream the event belongs to
     * @param eventType the event's type name
     * @param payload the payload, written with the fixture's mapper
     * @return this fixture
     */
    public SagaFixture<S> event(String streamId, String eventType, Object payload) {
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new SerializationException("The fixture could not write the payload of '" + eventType
                + "' as JSON. Pass a record or a Jackson JsonNode.", e);
        }
        engine();
        store.append(streamId, ExpectedVersion.any(),
            List.of(new EventData(EventIds.next(), eventType, 1, json, EventMetadata.empty())));
        run();
        if (currentSagaId == null) {
            engine.index().list(type.name(), null).stream().findFirst()
                .ifPresent(summary -> currentSagaId = summary.sagaId());
        }
        return this;
    }

    /**
     * Moves the clock forward and fires the deadlines that have passed.
     *
     * @param duration how far, {@code >= 0}
     * @return this fixture
     */
    public SagaFixture<S> advanceTime(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0 (duration: " + duration + ")");
        }
        engine();
        clock.now = clock.now.plus(duration);
        return run();
    }

    /**
     * @param sagaId the instance the expectations look at from now on
     * @return this fixture
     */
    public SagaFixture<S> focus(String sagaId) {
        this.currentSagaId = Objects.requireNonNull(sagaId, "sagaId");
        return this;
    }

    /** @return every command sent so far, in order, accepted or rejected */
    public List<SagaCommand> commands() {
        return List.copyOf(commands);
    }

    /** @return the instance the expectations look at, as stored */
    public SagaInstance instance() {
        if (currentSagaId == null) {
            throw new AssertionError("No saga instance of type '" + type.name() + "' was started.");
        }
        return engine().find(type.name(), currentSagaId).orElseThrow(() -> new AssertionError(
            "Saga '" + currentSagaId + "' of type '" + type.name() + "' does not exist."));
    }

    /** @return the current state of the instance the expectations look at */
    public S state() {
        String json = instance().stateJson();
        if (json == null) {
            throw new AssertionError("Saga '" + currentSagaId + "' has no state yet.");
        }
        try {
            return mapper.readValue(json, type.stateType());
        } catch (JsonProcessingException e) {
            throw new AssertionError("The state of saga '" + currentSagaId + "' cannot be read as "
                + type.stateType().getName() + ": " + e.getMessage(), e);
        }
    }

    /** @return the fixture's event store, to look at the saga's stream or add events by hand */
    public EventStore store() {
        engine();
        return store;
    }

    /**
     * @param expected the payloads of every command sent so far, in order (compared with {@code equals})
     * @return this fixture
     */
    public SagaFixture<S> expectCommands(Object... expected) {
        List<Object> actual = commands.stream().map(SagaCommand::payload).toList();
        if (!actual.equals(Arrays.asList(expected))) {
            throw new AssertionError("Expected commands " + Arrays.asList(expected) + " but the saga sent "
                + actual + ".");
        }
        return this;
    }

    /**
     * @param expected the status the instance must have
     * @return this fixture
     */
    public SagaFixture<S> expectStatus(SagaStatus expected) {
        SagaInstance instance = instance();
        if (instance.status() != expected) {
            throw new AssertionError("Expected saga '" + currentSagaId + "' to be " + expected + " but it is "
                + instance.status() + (instance.reason() == null ? "" : " (reason: " + instance.reason() + ")")
                + ".");
        }
        return this;
    }

    /**
     * @param expected the deadlines the instance must be waiting for, in any order; none for no deadline
     * @return this fixture
     */
    public SagaFixture<S> expectDeadlines(SagaDeadline... expected) {
        var actual = new LinkedHashSet<>(instance().deadlines());
        var wanted = new LinkedHashSet<>(Arrays.asList(expected));
        if (!actual.equals(wanted)) {
            throw new AssertionError("Expected deadlines " + wanted + " but saga '" + currentSagaId + "' has "
                + actual + ".");
        }
        return this;
    }

    private SagaEngine engine() {
        if (engine == null) {
            store = InMemoryEventStore.builder().clock(clock).build();
            SagaCommandDispatcher dispatcher = command -> {
                commands.add(command);
                for (Rejection rejection : rejections) {
                    if (rejection.matches().test(command.payload())) {
                        throw new FixtureRejection(rejection.reason());
                    }
                }
            };
            engine = new SagaEngine(store, dispatcher, Map.of(type.name(), type), clock, mapper, null, error -> false,
                dev.eventline.saga.internal.SagaMetrics.NOOP, "fixture", 1000, Duration.ZERO, () -> false);
            engine.workSink(work::add);
        }
        return engine;
    }

    private void requireNotStarted() {
        if (engine != null) {
            throw new IllegalStateException("Configure the fixture before the first start, event or advanceTime.");
        }
    }

    private SagaFixture<S> run() {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            while (engine.pollOnce() > 0) {
                // read the log to its end: routes events, updates the index
            }
            engine.fireDueDeadlines();
            if (work.isEmpty()) {
                return this;
            }
            var keys = new ArrayList<>(work);
            work.clear();
            for (SagaIndex.Key key : keys) {
                engine.process(key);
            }
        }
        throw new AssertionError("Saga '" + currentSagaId + "' did not settle after " + MAX_ROUNDS + " rounds;"
            + " do its handlers keep scheduling work for each other?");
    }
}
