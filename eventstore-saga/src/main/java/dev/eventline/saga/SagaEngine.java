package dev.eventline.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventIds;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.upcast.JsonEvent;
import dev.eventline.saga.internal.SagaMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The synchronous heart of the saga runner: follows the log (routing events to instances and keeping the index),
 * fires due deadlines and processes one instance at a time. {@link SagaRunner} calls it from its threads and
 * {@link SagaFixture} calls it directly.
 * <p>
 * Thread-safety: {@link #pollOnce()} and {@link #fireDueDeadlines()} are called by one thread at a time;
 * {@link #process} by several threads, never twice at once for one instance; the rest is thread-safe.
 */
final class SagaEngine {

    private static final Logger LOG = LoggerFactory.getLogger(SagaEngine.class);

    private final EventStore store;
    private final SagaCommandDispatcher dispatcher;
    private final Map<String, SagaType<?>> types;
    private final InstantSource clock;
    private final ObjectMapper mapper;
    private final EventSerializer serializer;
    private final Set<String> routedTypes;
    private final Predicate<Throwable> isTransient;
    private final SagaMetrics metrics;
    private final String checkpointStream;
    private final int batchSize;
    private final SagaIndex index = new SagaIndex();
    private final InstanceProcessor processor;
    private final BooleanSupplier closing;
    private volatile Consumer<SagaIndex.Key> workSink = key -> { };

    private LogPosition cursor = LogPosition.START;
    private LogPosition checkpoint = LogPosition.START;
    private long checkpointVersion;
    private final Duration checkpointInterval;
    private long lastCheckpointNanos = System.nanoTime();
    private boolean pendingCheckpoint;
    private volatile boolean caughtUp;

    SagaEngine(EventStore store, SagaCommandDispatcher dispatcher, Map<String, SagaType<?>> types,
               InstantSource clock, ObjectMapper mapper, EventSerializer serializer, Predicate<Throwable> isTransient,
               SagaMetrics metrics, String runnerName, int batchSize, Duration checkpointInterval,
               BooleanSupplier closing) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.types = Map.copyOf(types);
        this.clock = clock;
        this.mapper = serializer != null ? serializer.objectMapper() : mapper;
        this.serializer = serializer;
        var routed = new HashSet<String>();
        this.types.values().forEach(type -> routed.addAll(type.eventTypes()));
        this.routedTypes = Set.copyOf(routed);
        this.isTransient = isTransient;
        this.metrics = metrics;
        this.checkpointStream = "saga--checkpoint-" + runnerName;
        this.batchSize = batchSize;
        this.checkpointInterval = checkpointInterval;
        this.closing = closing;
        this.processor = new InstanceProcessor(dispatcher, clock, this.mapper, isTransient, metrics, closing);
    }

    SagaIndex index() {
        return index;
    }

    Map<String, SagaType<?>> types() {
        return types;
    }

    boolean isCaughtUp() {
        return caughtUp;
    }

    void workSink(Consumer<SagaIndex.Key> sink) {
        this.workSink = sink;
    }

    // ---- following the log ----------------------------------------------------------------------------------

    void loadCheckpoint() {
        try (Stream<RecordedEvent> last = store.readStream(checkpointStream, ReadDirection.BACKWARDS,
                Long.MAX_VALUE, 1)) {
            last.findFirst().ifPresent(event -> {
                JsonNode body = SagaRecords.read(event);
                checkpoint = new LogPosition(body.path("commit").asLong(), body.path("position").asLong());
                checkpointVersion = event.version();
            });
        }
    }

    /** Reads one batch of the log; returns how many events it read. */
    int pollOnce() {
        List<RecordedEvent> batch = store.readAll(cursor, batchSize);
        boolean routed = false;
        for (RecordedEvent event : batch) {
            if (SagaRecords.isSagaRecord(event)) {
                index.apply(event);
                if (caughtUp && (SagaRecords.RECEIVED.equals(event.type())
                        || SagaRecords.RESUMED.equals(event.type()))) {
                    JsonNode body = SagaRecords.read(event);
                    workSink.accept(new SagaIndex.Key(body.path("saga_type").asText(),
                        body.path("saga_id").asText()));
                }
            } else if (event.position().isAfter(checkpoint)) {
                route(event);
                routed = true;
                pendingCheckpoint = true;
            }
            cursor = event.position();
        }
        if (routed && System.nanoTime() - lastCheckpointNanos >= checkpointInterval.toNanos()) {
            saveCheckpoint(cursor);
        }
        if (batch.size() < batchSize && !caughtUp) {
            caughtUp = true;
            index.active().forEach(workSink);
        }
        return batch.size();
    }

    /** Saves the cursor now if it moved past events that are not saga records; called when the runner stops. */
    void flushCheckpoint() {
        if (cursor.isAfter(checkpoint) && pendingCheckpoint) {
            saveCheckpoint(cursor);
        }
    }

    /** Forgets where the follower was, so that a runner that just became the owner re-reads the log. */
    void restartFollowing() {
        cursor = LogPosition.START;
        checkpoint = LogPosition.START;
        checkpointVersion = 0;
        caughtUp = false;
        pendingCheckpoint = false;
        loadCheckpoint();
    }

    private void saveCheckpoint(LogPosition position) {
        lastCheckpointNanos = System.nanoTime();
        pendingCheckpoint = false;
        ObjectNode body = SagaRecords.JSON.createObjectNode();
        body.put("commit", position.commit());
        body.put("position", position.position());
        EventData data = new EventData(EventIds.next(), SagaRecords.CHECKPOINT, 1,
            body.toString().getBytes(StandardCharsets.UTF_8), EventMetadata.empty());
        try {
            AppendResult result = store.append(checkpointStream, ExpectedVersion.exactly(checkpointVersion),
                List.of(data));
            checkpointVersion = result.currentVersion();
            checkpoint = position;
        } catch (ConcurrencyConflictException e) {
            // Another runner with the same name moved the checkpoint: keep the later of the two. Routing is
            // idempotent, so routing an event twice is harmless.
            LogPosition before = checkpoint;
            loadCheckpoint();
            if (before.isAfter(checkpoint)) {
                checkpoint = before;
            }
        }
    }

    private void route(RecordedEvent event) {
        String eventType = event.type();
        JsonNode payload = null;
        try {
            if (serializer != null) {
                JsonEvent upcast = serializer.upcast(event);
                eventType = upcast.type();
                payload = upcast.payload();
            }
            if (!routedTypes.contains(eventType)) {
                return;
            }
            if (payload == null) {
                payload = mapper.readTree(event.payload());
            }
        } catch (IOException | RuntimeException e) {
            logSkipped("every saga type", event, e);
            return;
        }
        for (SagaType<?> type : types.values()) {
            SagaType.EventRoute<?, ?> start = type.startEvents().get(eventType);
            SagaType.EventRoute<?, ?> route = start != null ? start : type.events().get(eventType);
            if (route == null) {
                continue;
            }
            String sagaId;
            try {
                sagaId = extractId(route, payload);
            } catch (IOException | RuntimeException e) {
                logSkipped("saga type '" + type.name() + "'", event, e);
                continue;
            }
            if (sagaId == null || sagaId.isBlank()) {
                continue;
            }
            var key = new SagaIndex.Key(type.name(), sagaId);
            if (start == null) {
                SagaStatus status = index.status(key);
                if (status == null || status.isFinal()) {
                    continue;
                }
            }
            ObjectNode body = SagaRecords.header(type.name(), sagaId);
            String inputId = "event:" + event.eventId();
            body.put("input_id", inputId);
            body.put("kind", start != null ? "start" : "event");
            body.put("event_type", eventType);
            body.put("source_stream", event.streamId());
            body.put("source_version", event.version());
            body.put("source_event_id", event.eventId().toString());
            body.set("data", payload);
            receive(key, inputId, body);
        }
    }

    private static void logSkipped(String who, RecordedEvent event, Exception error) {
        // One undecodable event must not stop every saga; it is logged with what an operator needs to fix it.
        LOG.error("Saga runner: {} could not read event {} (type: {}, stream: '{}', position: {}); the event is"
                + " skipped for it. Fix the payload class, the id function or the upcaster.", who, event.eventId(),
            event.type(), event.streamId(), event.position(), error);
    }

    @SuppressWarnings("unchecked")
    private <E> String extractId(SagaType.EventRoute<?, E> route, JsonNode payload) throws IOException {
        E decoded = mapper.treeToValue(payload, route.payloadType());
        return route.sagaId().apply(decoded);
    }

    private AppendResult receive(SagaIndex.Key key, String inputId, ObjectNode body) {
        String streamId = InstanceFold.streamId(key.sagaType(), key.sagaId());
        AppendResult result = store.append(streamId, ExpectedVersion.any(),
            List.of(SagaRecords.event(streamId, SagaRecords.RECEIVED, inputId, body, key.sagaId())));
        result.events().forEach(index::apply);
        workSink.accept(key);
        return result;
    }

    void fireDueDeadlines() {
        if (!caughtUp) {
            return;
        }
        for (SagaIndex.Due due : index.takeDue(clock.instant())) {
            ObjectNode body = SagaRecords.header(due.key().sagaType(), due.key().sagaId());
            String inputId = "deadline:" + due.deadlineId();
            body.put("input_id", inputId);
            body.put("kind", "deadline");
            body.put("deadline", due.name());
            body.put("deadline_id", due.deadlineId());
            body.put("due", due.due().toString());
            receive(due.key(), inputId, body);
            index.forget(due);
            metrics.deadlineFired(due.key().sagaType());
        }
    }

    // ---- explicit start and operations ----------------------------------------------------------------------

    String startSaga(SagaType<?> type, String sagaId, Object data) {
        requireRegistered(type);
        if (type.startDataType() == null) {
            throw new IllegalArgumentException("Saga type '" + type.name() + "' has no explicit start; it is"
                + " started by events (" + type.startEvents().keySet() + "). Add startedBy(dataClass, handler).");
        }
        if (!type.startDataType().isInstance(data)) {
            throw new IllegalArgumentException("Saga type '" + type.name() + "' starts from "
                + type.startDataType().getName() + " (data: " + data.getClass().getName() + ").");
        }
        var key = new SagaIndex.Key(type.name(), sagaId);
        ObjectNode body = SagaRecords.header(type.name(), sagaId);
        body.put("input_id", "start");
        body.put("kind", "start");
        body.set("data", mapper.valueToTree(data));
        String streamId = InstanceFold.streamId(type.name(), sagaId);
        EventData record = SagaRecords.event(streamId, SagaRecords.RECEIVED, "start", body, sagaId);
        AppendResult result = store.append(streamId, ExpectedVersion.noStream(), List.of(record));
        if (!Arrays.equals(result.events().get(0).payload(), record.payload())) {
            throw new IllegalStateException("Saga '" + sagaId + "' of type '" + type.name() + "' was already"
                + " started with other data. Use a new saga id.");
        }
        result.events().forEach(index::apply);
        workSink.accept(key);
        return sagaId;
    }

    Optional<SagaInstance> find(String sagaType, String sagaId) {
        InstanceFold fold = load(new SagaIndex.Key(sagaType, sagaId));
        return fold.exists() ? Optional.of(fold.toInstance()) : Optional.empty();
    }

    void retry(String sagaType, String sagaId) {
        var key = new SagaIndex.Key(sagaType, sagaId);
        InstanceFold fold = load(key);
        if (!fold.exists()) {
            throw new SagaNotFoundException(sagaType, sagaId);
        }
        if (fold.status != SagaStatus.FAILED) {
            throw new IllegalStateException("Saga '" + sagaId + "' of type '" + sagaType + "' is not FAILED"
                + " (status: " + fold.status + "); only FAILED sagas can be retried.");
        }
        ObjectNode body = SagaRecords.header(sagaType, sagaId);
        body.put("status", fold.statusBeforeFailure.name());
        if (fold.statusBeforeFailure == SagaStatus.COMPENSATING && fold.compensationReason != null) {
            body.put("reason", fold.compensationReason);
        }
        body.set("deadlines", InstanceProcessor.deadlinesJson(fold.deadlines));
        append(fold, SagaRecords.event(fold.streamId, SagaRecords.RESUMED, "resumed:" + fold.resumes, body,
            sagaId));
        workSink.accept(key);
    }

    void park(SagaIndex.Key key, Throwable error) {
        InstanceFold fold = load(key);
        if (!fold.status.isActive()) {
            return;
        }
        ObjectNode body = SagaRecords.header(key.sagaType(), key.sagaId());
        String reason = InstanceProcessor.describe(error);
        body.put("reason", reason);
        body.put("status", SagaStatus.FAILED.name());
        append(fold, SagaRecords.event(fold.streamId, SagaRecords.PARKED, "parked:" + fold.version, body,
            key.sagaId()));
        metrics.ended(key.sagaType(), SagaStatus.FAILED.name(), since(fold));
        LOG.warn("Saga '{}' of type '{}' is parked as FAILED after repeated errors: {}", key.sagaId(),
            key.sagaType(), reason, error);
    }

    private void requireRegistered(SagaType<?> type) {
        if (types.get(type.name()) != type) {
            throw new IllegalArgumentException("Saga type '" + type.name() + "' is not registered with this"
                + " runner. Call register(type) on the builder.");
        }
    }

    // ---- processing one instance ------------------------------------------------------------------------------

    InstanceFold load(SagaIndex.Key key) {
        var fold = new InstanceFold(key.sagaType(), key.sagaId());
        catchUp(fold);
        return fold;
    }

    /** Applies the stream's new events; returns true when one of them was more than a received input. */
    private boolean catchUp(InstanceFold fold) {
        boolean changed = false;
        try (Stream<RecordedEvent> events = store.readStream(fold.streamId, fold.version + 1)) {
            for (RecordedEvent event : (Iterable<RecordedEvent>) events::iterator) {
                fold.apply(event);
                index.apply(event);
                changed |= !SagaRecords.RECEIVED.equals(event.type());
            }
        }
        return changed;
    }

    /**
     * Handles every piece of work the instance has, one record at a time, stopping between two records when the
     * runner closes (the next runner continues from the stream).
     *
     * @throws RuntimeException when handling failed; nothing was recorded for the failed piece of work
     */
    void process(SagaIndex.Key key) {
        SagaType<?> type = types.get(key.sagaType());
        if (type == null) {
            return;
        }
        InstanceFold fold = load(key);
        while (!closing.getAsBoolean()) {
            EventData record = processor.nextRecord(type, fold);
            if (record == null) {
                return;
            }
            SagaStatus before = fold.status;
            boolean wasStarted = fold.started;
            if (!tryAppend(fold, record)) {
                // Another runner (a previous lease owner) recorded first: continue from what it recorded.
                continue;
            }
            if (fold.started && !wasStarted) {
                metrics.started(key.sagaType());
            }
            if (fold.status != before && !fold.status.isActive()) {
                metrics.ended(key.sagaType(), fold.status.name(), since(fold));
            }
        }
    }

    private Duration since(InstanceFold fold) {
        Instant start = fold.startedAt == null ? clock.instant() : fold.startedAt;
        Duration duration = Duration.between(start, clock.instant());
        return duration.isNegative() ? Duration.ZERO : duration;
    }

    /** Appends like {@link #tryAppend}, failing when another runner recorded first. */
    private void append(InstanceFold fold, EventData record) {
        if (!tryAppend(fold, record)) {
            throw new IllegalStateException("Saga '" + fold.sagaId + "' of type '" + fold.sagaType + "' was changed"
                + " by another runner meanwhile (version: " + fold.version + "). Look at it again and retry.");
        }
    }

    /**
     * Appends with the fold's version as the expected version, re-basing over inputs received meanwhile.
     *
     * @return false when another runner recorded work on the instance first: the record is dropped and the fold
     *     shows the instance as it is now (any command already sent is resent later with the same id)
     */
    private boolean tryAppend(InstanceFold fold, EventData record) {
        while (true) {
            try {
                AppendResult result = store.append(fold.streamId, ExpectedVersion.exactly(fold.version),
                    List.of(record));
                for (RecordedEvent event : result.events()) {
                    if (event.version() > fold.version + 1) {
                        catchUp(fold);
                    }
                    fold.apply(event);
                    index.apply(event);
                }
                return true;
            } catch (ConcurrencyConflictException e) {
                long before = fold.version;
                boolean changed = catchUp(fold);
                if (fold.version == before) {
                    throw new IllegalStateException("Saga '" + fold.sagaId + "' of type '" + fold.sagaType
                        + "': the append conflicted but the stream shows no newer event (version: " + fold.version
                        + "). It will be retried.", e);
                }
                if (changed) {
                    return false;
                }
            }
        }
    }
}
