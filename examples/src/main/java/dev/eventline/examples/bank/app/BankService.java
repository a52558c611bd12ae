package dev.eventline.examples.bank.app;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import dev.eventline.examples.bank.http.ApiException;
import dev.eventline.examples.bank.http.Json;
import dev.eventline.examples.bank.readmodel.ProjectionEngine;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The write side and the event-level reads of the bank: commands (with idempotency), raw appends, reading a
 * stream, replay, temporal reads and integrity checks.
 * <p>
 * Commands for one aggregate are serialized inside this process (striped locks), so concurrent requests to a
 * hot account queue up instead of failing on conflicts; across processes the store's optimistic concurrency
 * still decides, and conflicts are retried unless the caller gave an {@code expected_version}.
 * <p>
 * Thread-safety: safe for concurrent use.
 */
public final class BankService {

    /** The most events one {@code GET /api/v1/events/{id}} returns; {@code next_from_version} pages on. */
    public static final int MAX_EVENTS_PER_READ = 10_000;
    /** Metadata key under which a command's idempotency id is stored on its events. */
    public static final String COMMAND_ID_KEY = "command_id";

    private static final int LOCK_STRIPES = 64;
    private static final Set<String> NULLABLE_EVENT_FIELDS = Set.of("relatedAccount");

    private final EventStore store;
    private final EventCodec codec;
    private final List<AggregateHandler> handlers;
    private final CommandDeduplicator deduplicator;
    private final ProjectionEngine projections;
    private final RecentPositions positions;
    private final BankMetrics metrics;
    private final ReentrantLock[] stripes = new ReentrantLock[LOCK_STRIPES];

    /**
     * An appended event as a command's answer lists it.
     *
     * @param eventType the stored type name
     * @param version the event's version in its aggregate
     * @param globalPosition its position in the global log (use it as {@code consistent_with})
     */
    public record EventRef(String eventType, long version, long globalPosition) {
    }

    /**
     * A command's answer.
     *
     * @param status always {@code accepted}
     * @param aggregateId the aggregate
     * @param version its version afterwards
     * @param events the events appended
     */
    public record CommandResponse(String status, String aggregateId, long version, List<EventRef> events) {
    }

    /**
     * A raw append's answer.
     *
     * @param aggregateId the aggregate
     * @param version the event's version
     * @param globalPosition the event's global position
     */
    public record Appended(String aggregateId, long version, long globalPosition) {
    }

    /**
     * An event as the API shows it.
     *
     * @param eventId its id
     * @param eventType its type name
     * @param version its version in the aggregate
     * @param globalPosition its global position
     * @param timestamp when it was recorded
     * @param schemaVersion its payload's schema version
     * @param data its payload
     * @param metadata its metadata
     * @param checksum its hash-chain link
     */
    public record EventView(UUID eventId, String eventType, long version, long globalPosition, Instant timestamp,
                            int schemaVersion, JsonNode data, Map<String, String> metadata, String checksum) {
    }

    /**
     * A stream's events.
     *
     * @param aggregateId the aggregate
     * @param events the events, oldest first
     * @param nextFromVersion where to continue when the answer was cut at the page size, absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StreamEvents(String aggregateId, List<EventView> events, Long nextFromVersion) {
    }

    /**
     * A replay's answer.
     *
     * @param aggregateId the aggregate
     * @param aggregateType its type
     * @param state the rebuilt state
     * @param version the version reached
     * @param eventsReplayed the events applied (after the snapshot, when one was used)
     * @param snapshotVersion the snapshot's version, null when none was used
     */
    public record Replay(String aggregateId, String aggregateType, Object state, long version, long eventsReplayed,
                         Long snapshotVersion) {
    }

    /**
     * The state of an aggregate at an instant.
     *
     * @param aggregateId the aggregate
     * @param asOf the instant
     * @param state the state then
     * @param version the version then (0 when it did not exist yet)
     */
    public record StateAsOf(String aggregateId, Instant asOf, Object state, long version) {
    }

    /**
     * Events recorded in a time range.
     *
     * @param aggregateId the aggregate
     * @param fromTime the range's start (inclusive)
     * @param toTime the range's end (inclusive)
     * @param events the events, oldest first
     */
    public record EventsBetween(String aggregateId, Instant fromTime, Instant toTime, List<EventView> events) {
    }

    /**
     * An integrity check's answer.
     *
     * @param aggregateId the aggregate
     * @param valid whether the hash chain is intact
     * @param eventsChecked how many events were checked
     * @param firstInvalidVersion the first broken version, absent when valid
     * @param reason why it is broken, absent when valid
     * @param detail a sentence about the break, absent when valid
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Integrity(String aggregateId, boolean valid, long eventsChecked, Long firstInvalidVersion,
                            String reason, String detail) {
    }

    /**
     * @param store the event store
     * @param codec the event type registry and serializer
     * @param handlers one handler per aggregate kind
     * @param deduplicator the command-id store
     * @param projections the read models' runner (woken after appends)
     * @param positions recent global positions, for {@code consistent_with}
     * @param metrics the meters
     */
    public BankService(EventStore store, EventCodec codec, List<AggregateHandler> handlers,
                       CommandDeduplicator deduplicator, ProjectionEngine projections, RecentPositions positions,
                       BankMetrics metrics) {
        this.store = Objects.requireNonNull(store, "store");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.handlers = List.copyOf(handlers);
        this.deduplicator = Objects.requireNonNull(deduplicator, "deduplicator");
        this.projections = Objects.requireNonNull(projections, "projections");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    /**
     * Runs a command, or replays the answer of an earlier one with the same command id.
     *
     * @param request the parsed command
     * @return the answer, JSON
     * @throws SQLException when the idempotency table is unreachable
     */
    public String execute(CommandRequest request) throws SQLException {
        long started = System.nanoTime();
        String outcome = "error";
        try {
            String commandId = request.commandId();
            EventMetadata metadata = request.metadata();
            if (commandId != null) {
                CommandDeduplicator.Claim claim = deduplicator.claim(commandId, request.fingerprint(),
                    request.aggregateId());
                if (claim instanceof CommandDeduplicator.Claim.Replay replay) {
                    outcome = "replayed";
                    return replay.response();
                }
                if (((CommandDeduplicator.Claim.Run) claim).recovered()) {
                    String earlier = findEarlierAnswer(handler(request.parsed().aggregateType()).kind(),
                        request.aggregateId(), commandId);
                    if (earlier != null) {
                        deduplicator.complete(commandId, earlier);
                        outcome = "replayed";
                        return earlier;
                    }
                }
                metadata = metadata.with(COMMAND_ID_KEY, commandId);
            }
            String answer;
            try {
                AppendResult result = run(request, metadata);
                answer = toJson(response(request.aggregateId(), result));
                if (commandId != null) {
                    deduplicator.complete(commandId, answer);
                }
            } catch (RuntimeException | SQLException e) {
                if (commandId != null && !(e instanceof SQLException)) {
                    release(commandId, e);
                }
                throw e;
            }
            outcome = "accepted";
            return answer;
        } catch (BusinessRuleException | AggregateNotFoundException e) {
            outcome = "rejected";
            throw e;
        } catch (ConcurrencyConflictException e) {
            outcome = "conflict";
            throw e;
        } catch (ApiException e) {
            outcome = e.code();
            throw e;
        } finally {
            metrics.command(request.commandType(), outcome, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private AppendResult run(CommandRequest request, EventMetadata metadata) {
        AggregateHandler handler = handler(request.parsed().aggregateType());
        ReentrantLock stripe = stripe(handler.kind().streamId(request.aggregateId()));
        AppendResult result;
        stripe.lock();
        try {
            result = handler.handle(request.aggregateId(), request.parsed().command(), request.expectedVersion(),
                metadata);
        } finally {
            stripe.unlock();
        }
        appended(result);
        return result;
    }

    private void release(String commandId, Exception cause) {
        try {
            deduplicator.release(commandId);
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private void appended(AppendResult result) {
        for (RecordedEvent event : result.events()) {
            positions.remember(event.position());
            metrics.eventsAppended(event.type(), 1);
        }
        projections.wake();
    }

    private ReentrantLock stripe(String streamId) {
        return stripes[Math.floorMod(streamId.hashCode(), LOCK_STRIPES)];
    }

    private static CommandResponse response(String aggregateId, AppendResult result) {
        var refs = new ArrayList<EventRef>(result.events().size());
        for (RecordedEvent event : result.events()) {
            refs.add(new EventRef(event.type(), event.version(), event.globalPosition()));
        }
        return new CommandResponse("accepted", aggregateId, result.currentVersion(), refs);
    }

    private String findEarlierAnswer(AggregateKind<?, ?, ?> kind, String aggregateId, String commandId) {
        try (Stream<RecordedEvent> events = store.readStream(kind.streamId(aggregateId))) {
            List<RecordedEvent> matching = events
                .filter(e -> commandId.equals(e.metadata().extra().get(COMMAND_ID_KEY))).toList();
            if (matching.isEmpty()) {
                return null;
            }
            long last = matching.get(matching.size() - 1).version();
            var refs = matching.stream().map(e -> new EventRef(e.type(), e.version(), e.globalPosition())).toList();
            return toJson(new CommandResponse("accepted", aggregateId, last, refs));
        }
    }

    /**
     * Appends one event as given, after checking that its type and data fit the aggregate.
     *
     * @param aggregateId the aggregate
     * @param eventType the stored type name
     * @param data the payload
     * @param expected the expected version, or null for none
     * @param schemaVersion the payload's schema version
     * @param metadata the metadata
     * @return where the event was written
     */
    public Appended appendRaw(String aggregateId, String eventType, JsonNode data, ExpectedVersion expected,
                              int schemaVersion, EventMetadata metadata) {
        Class<?> type = codec.classOf(eventType);
        if (type == null) {
            throw new ApiException(400, "unknown_event_type", "Unknown event_type '" + abbreviate(eventType)
                + "'. Known types: " + String.join(", ", codec.typeNames()) + ".");
        }
        AggregateKind<?, ?, ?> kind = kindOwning(eventType);
        if (schemaVersion != codec.currentVersion(eventType)) {
            throw ApiException.badRequest("schema_version " + schemaVersion + " of " + eventType + " cannot be read "
                + "back (current schema version: " + codec.currentVersion(eventType) + "); send the current one");
        }
        Object event = readEventData(type, data);
        String streamId = kind.streamId(aggregateId);
        ReentrantLock stripe = stripe(streamId);
        AppendResult result;
        stripe.lock();
        try {
            long version = store.streamVersion(streamId);
            boolean creation = eventType.equals(kind.creationEvent());
            if (creation != (version == 0)) {
                throw new BusinessRuleException("invalid_event_for_stream", creation
                    ? "The " + kind.name() + " '" + aggregateId + "' already exists (version: " + version + "); "
                        + eventType + " can only start a stream."
                    : "The " + kind.name() + " '" + aggregateId + "' does not exist; its first event must be "
                        + kind.creationEvent() + ".");
            }
            result = store.append(streamId, expected == null ? ExpectedVersion.exactly(version) : expected,
                List.of(codec.encode(event, metadata)));
        } finally {
            stripe.unlock();
        }
        appended(result);
        RecordedEvent written = result.events().get(0);
        return new Appended(aggregateId, written.version(), written.globalPosition());
    }

    private Object readEventData(Class<?> type, JsonNode data) {
        Object event;
        try {
            event = codec.serializer().objectMapper().treeToValue(data, type);
        } catch (IllegalArgumentException | JsonProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (root instanceof IllegalArgumentException && root.getMessage() != null && root != e) {
                throw ApiException.badRequest("data." + root.getMessage());
            }
            throw ApiException.badRequest("data does not fit event type " + type.getSimpleName()
                + " (fields: " + fieldNames(type) + ")");
        }
        for (RecordComponent component : type.getRecordComponents()) {
            if (NULLABLE_EVENT_FIELDS.contains(component.getName())) {
                continue;
            }
            try {
                if (component.getAccessor().invoke(event) == null) {
                    throw ApiException.badRequest("data." + snake(component.getName()) + " is required");
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName(), e);
            }
        }
        return event;
    }

    private static String fieldNames(Class<?> type) {
        var names = new ArrayList<String>();
        for (RecordComponent component : type.getRecordComponents()) {
            names.add(snake(component.getName()));
        }
        return String.join(", ", names);
    }

    private static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    /**
     * @param aggregateId the aggregate
     * @param fromVersion the first version to return
     * @param limit the most events to return
     * @return the events
     */
    public StreamEvents readEvents(String aggregateId, long fromVersion, int limit) {
        String streamId = requireKind(aggregateId).streamId(aggregateId);
        List<EventView> events;
        try (Stream<RecordedEvent> stream = store.readStream(streamId, ReadDirection.FORWARDS, fromVersion,
            limit + 1L)) {
            events = stream.map(BankService::view).collect(Collectors.toCollection(ArrayList::new));
        }
        Long next = null;
        if (events.size() > limit) {
            next = events.get(limit).version();
            events = events.subList(0, limit);
        }
        return new StreamEvents(aggregateId, events, next);
    }

    /**
     * @param aggregateId the aggregate
     * @param useSnapshot whether to start from a snapshot
     * @param toVersion the last version to apply, or null
     * @return the rebuilt state
     */
    public Replay replay(String aggregateId, boolean useSnapshot, Long toVersion) {
        AggregateKind<?, ?, ?> kind = requireKind(aggregateId);
        LoadedState loaded = handler(kind.name()).load(aggregateId, useSnapshot, toVersion);
        return new Replay(aggregateId, kind.name(), loaded.state(), loaded.version(), loaded.eventsReplayed(),
            loaded.snapshotVersion());
    }

    /**
     * @param aggregateId the aggregate
     * @param asOf the instant
     * @return the state at that instant
     */
    public StateAsOf stateAsOf(String aggregateId, Instant asOf) {
        AggregateKind<?, ?, ?> kind = requireKind(aggregateId);
        LoadedState loaded = handler(kind.name()).loadAsOf(aggregateId, asOf);
        return new StateAsOf(aggregateId, asOf, loaded.version() == 0 ? null : loaded.state(), loaded.version());
    }

    /**
     * @param aggregateId the aggregate
     * @param from the range's start (inclusive)
     * @param to the range's end (inclusive, to the microsecond)
     * @return the events recorded in the range
     */
    public EventsBetween eventsBetween(String aggregateId, Instant from, Instant to) {
        String streamId = requireKind(aggregateId).streamId(aggregateId);
        List<EventView> events;
        try (Stream<RecordedEvent> stream = store.readStreamBetween(streamId, from, to.plusNanos(1_000))) {
            events = stream.limit(MAX_EVENTS_PER_READ).map(BankService::view).toList();
        }
        return new EventsBetween(aggregateId, from, to, events);
    }

    /**
     * @param aggregateId the aggregate
     * @return the outcome of checking its hash chain
     */
    public Integrity integrity(String aggregateId) {
        IntegrityReport report = store.verify(requireKind(aggregateId).streamId(aggregateId));
        return report.firstViolation()
            .map(v -> new Integrity(aggregateId, false, report.eventsChecked(), v.version(),
                v.reason().name().toLowerCase(Locale.ROOT), v.message()))
            .orElseGet(() -> new Integrity(aggregateId, true, report.eventsChecked(), null, null, null));
    }

    private AggregateKind<?, ?, ?> kindOwning(String eventType) {
        for (AggregateHandler handler : handlers) {
            if (handler.kind().owns(eventType)) {
                return handler.kind();
            }
        }
        throw new IllegalStateException("no aggregate owns event type " + eventType);
    }

    /**
     * @param aggregateId an aggregate id as the API uses it
     * @return the kind of the first aggregate with that id that has events (accounts, orders, products, users in
     *     that order), or null when none has
     */
    public AggregateKind<?, ?, ?> kindOf(String aggregateId) {
        for (AggregateHandler handler : handlers) {
            if (store.streamVersion(handler.kind().streamId(aggregateId)) > 0) {
                return handler.kind();
            }
        }
        return null;
    }

    /**
     * @param aggregateType an aggregate type name
     * @return its handler (repository), for modules that run commands themselves
     */
    public AggregateHandler handler(String aggregateType) {
        for (AggregateHandler handler : handlers) {
            if (handler.kind().name().equals(aggregateType)) {
                return handler;
            }
        }
        throw new IllegalArgumentException("unknown aggregate type (aggregateType: " + aggregateType + ")");
    }

    private AggregateKind<?, ?, ?> requireKind(String aggregateId) {
        AggregateKind<?, ?, ?> kind = kindOf(aggregateId);
        if (kind == null) {
            throw streamNotFound(aggregateId);
        }
        return kind;
    }

    private static ApiException streamNotFound(String aggregateId) {
        return ApiException.notFound("aggregate_not_found", "No events for aggregate '" + abbreviate(aggregateId)
            + "'. Check the id, or create the aggregate with a command first.");
    }

    static EventView view(RecordedEvent event) {
        JsonNode data;
        try {
            data = Json.mapper().readTree(event.payload());
        } catch (IOException e) {
            data = Json.mapper().getNodeFactory().textNode(event.payloadAsString());
        }
        var metadata = new LinkedHashMap<String, String>();
        EventMetadata m = event.metadata();
        putIfPresent(metadata, "correlation_id", m.correlationId());
        putIfPresent(metadata, "causation_id", m.causationId());
        putIfPresent(metadata, "principal", m.principal());
        putIfPresent(metadata, "tenant", m.tenant());
        metadata.putAll(m.extra());
        return new EventView(event.eventId(), event.type(), event.version(), event.globalPosition(),
            event.recordedAt(), event.schemaVersion(), data, metadata, event.checksum());
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("answer could not be serialized", e);
        }
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
