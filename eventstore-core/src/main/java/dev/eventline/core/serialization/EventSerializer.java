package dev.eventline.core.serialization;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventline.core.EventData;
import dev.eventline.core.EventIds;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.core.UnknownEventTypeException;
import dev.eventline.core.upcast.JsonEvent;
import dev.eventline.core.upcast.UpcastingException;
import dev.eventline.core.upcast.Upcasters;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns event objects into {@link EventData} (JSON payload, logical type name, schema version) and
 * {@link RecordedEvent}s back into event objects, applying the upcaster chain on the way in.
 * <p>
 * Guarantees: stored payloads hold the registered type name, never a Java class name (no Jackson default
 * typing); an unregistered type name on read raises {@link UnknownEventTypeException} (or, with
 * {@link #deserializeOrRaw}, hands back the raw event), never a silent drop; an event stored at an older schema
 * version is read only through upcasters, never mis-read as the current shape. Readers and writers are
 * precomputed per registered type, so the hot path does no lookups beyond one map access.
 * <p>
 * Thread-safety: immutable and safe for concurrent use.
 * <pre>{@code
 * EventSerializer serializer = EventSerializer.of(types);
 * EventData data = serializer.serialize(new MoneyDeposited("42", new BigDecimal("10.00")));
 * store.append("account-42", ExpectedVersion.any(), List.of(data));
 * try (var events = store.readStream("account-42")) {
 *     events.map(serializer::deserialize).forEach(System.out::println);
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class EventSerializer {

    /** Deep enough for any sane event or snapshot; stops stack-exhaustion payloads ({@code [[[[...}) early. */
    public static final int DEFAULT_MAX_NESTING_DEPTH = 200;
    /** 1 Mi characters: no single string in an event can be larger than the default payload limit anyway. */
    public static final int DEFAULT_MAX_STRING_LENGTH = 1024 * 1024;
    /** 100 digits hold any monetary or scientific value; longer numbers only serve to burn CPU when parsed. */
    public static final int DEFAULT_MAX_NUMBER_LENGTH = 100;
    /** 64 MiB: room for large snapshots, while bounding what one read may allocate. */
    public static final long DEFAULT_MAX_DOCUMENT_LENGTH = 64L * 1024 * 1024;

    private final EventTypes types;
    private final Upcasters upcasters;
    private final ObjectMapper mapper;
    private final Map<String, Codec> byName;
    private final Map<Class<?>, Codec> byClass;
    private final ConcurrentHashMap<Class<?>, ObjectReader> otherReaders = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Class<?>, ObjectWriter> otherWriters = new ConcurrentHashMap<>();

    private EventSerializer(EventTypes types, ObjectMapper mapper) {
        this.types = types;
        this.upcasters = types.upcasters();
        this.mapper = mapper;
        var names = new HashMap<String, Codec>();
        var classes = new HashMap<Class<?>, Codec>();
        types.registrations().values().forEach(registration -> {
            var codec = new Codec(registration.name(), registration.javaType(), registration.currentVersion(),
                mapper.readerFor(registration.javaType()), mapper.writerFor(registration.javaType()));
            names.put(codec.name, codec);
            classes.put(codec.javaType, codec);
        });
        this.byName = Map.copyOf(names);
        this.byClass = Map.copyOf(classes);
    }

    /**
     * @param types the registered event types
     * @return a serializer using {@link #defaultObjectMapper()}
     */
    public static EventSerializer of(EventTypes types) {
        return builder(types).build();
    }

    /**
     * @param types the registered event types
     * @return a builder, to use a custom {@link ObjectMapper}
     */
    public static Builder builder(EventTypes types) {
        return new Builder(types);
    }

    /**
     * The safe default mapper: no default typing (no class names in JSON, no gadget chains),
     * {@link JavaTimeModule} with ISO-8601 text dates (canonical UTC instants read by {@link FastInstantModule},
     * same results, about twice as fast), floats read as exact {@link java.math.BigDecimal} with
     * trailing zeros kept (also in JSON trees handed to upcasters), duplicate keys and trailing tokens refused,
     * and {@link StreamReadConstraints} bounding nesting depth, string, number and document length (see the
     * {@code DEFAULT_MAX_*} constants). Records and classes without properties are supported. Unknown properties
     * fail the read, so a changed event shape is caught rather than silently defaulted.
     *
     * @return a new mapper with those settings; configure a copy if you need more modules
     */
    public static ObjectMapper defaultObjectMapper() {
        JsonFactory factory = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(DEFAULT_MAX_NESTING_DEPTH)
                .maxStringLength(DEFAULT_MAX_STRING_LENGTH)
                .maxNumberLength(DEFAULT_MAX_NUMBER_LENGTH)
                .maxDocumentLength(DEFAULT_MAX_DOCUMENT_LENGTH)
                .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
        return JsonMapper.builder(factory)
            .addModule(new JavaTimeModule())
            .addModule(new FastInstantModule())
            .enable(MapperFeature.BLOCK_UNSAFE_POLYMORPHIC_BASE_TYPES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    }

    /** @return the registered event types */
    public EventTypes types() {
        return types;
    }

    /**
     * @param event an instance of a registered event class
     * @return the event as JSON with a random event id, its type name, its current schema version and no metadata
     * @throws SerializationException when the class is not registered or Jackson cannot write it
     */
    public EventData serialize(Object event) {
        return serialize(event, EventMetadata.empty());
    }

    /**
     * @param event an instance of a registered event class
     * @param metadata the event's metadata
     * @return the event as JSON with a random event id, its type name and its current schema version
     * @throws SerializationException when the class is not registered, Jackson cannot write it, or it is not
     *     written as a JSON object
     */
    public EventData serialize(Object event, EventMetadata metadata) {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(metadata, "metadata");
        Codec codec = byClass.get(event.getClass());
        if (codec == null) {
            throw new SerializationException("Cannot serialize " + event.getClass().getName()
                + ": the class is not registered (registered: " + types.names() + "). Register it in "
                + "EventTypes with a type name.");
        }
        byte[] payload;
        try {
            payload = codec.writer.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new SerializationException("Cannot serialize event of type '" + codec.name + "' ("
                + event.getClass().getName() + "): " + e.getMessage() + ". Make its fields serializable "
                + "by Jackson.", e);
        }
        if (payload.length == 0 || payload[0] != '{') {
            throw new SerializationException("Event of type '" + codec.name + "' (" + event.getClass().getName()
                + ") is not written as a JSON object. Use a record or class with properties, so that upcasters "
                + "can reshape it later.");
        }
        return new EventData(EventIds.next(), codec.name, codec.currentVersion, payload, metadata);
    }

    /**
     * Reads a stored event as its registered Java type, applying the upcaster chain first.
     *
     * @param event a stored event
     * @return the event object, an instance of the class registered for its (upcast) type name
     * @throws UnknownEventTypeException when the (upcast) type name is not registered
     * @throws UpcastingException when an upcaster fails
     * @throws SerializationException when the payload does not fit the registered class, or its schema version
     *     differs from the current one and no upcaster bridges them
     */
    public Object deserialize(RecordedEvent event) {
        Objects.requireNonNull(event, "event");
        Codec codec = byName.get(event.type());
        if (codec != null && codec.currentVersion == event.schemaVersion()) {
            // fast path, the common case: current version, no tree, one precomputed reader
            try {
                return codec.reader.readValue(event.payload());
            } catch (IOException e) {
                throw unreadable(event, codec, e);
            }
        }
        Object result = deserializeUpcast(event);
        if (result == null) {
            throw new UnknownEventTypeException(event.type(), event.schemaVersion());
        }
        return result;
    }

    /**
     * Reads a stored event as an instance of {@code type}.
     *
     * @param event a stored event
     * @param type the class the event is expected to be (or a supertype of it, such as a sealed interface)
     * @param <T> the expected type
     * @return the event object
     * @throws SerializationException when the event is not an instance of {@code type}, and as
     *     {@link #deserialize(RecordedEvent)}
     */
    public <T> T deserialize(RecordedEvent event, Class<T> type) {
        Objects.requireNonNull(type, "type");
        Object value = deserialize(event);
        if (!type.isInstance(value)) {
            throw new SerializationException("Event '" + event.streamId() + "'@" + event.version() + " of type '"
                + event.type() + "' is a " + value.getClass().getName() + ", not a " + type.getName()
                + ". Read it with the matching class.");
        }
        return type.cast(value);
    }

    /**
     * Reads a stored event as its registered Java type, or hands it back raw when its (upcast) type name is not
     * registered: for tools, migrations and projections that only care about some types.
     *
     * @param event a stored event
     * @return the event object, or {@code event} itself when its type is unknown
     * @throws UpcastingException when an upcaster fails
     * @throws SerializationException when a registered type's payload cannot be read
     */
    public Object deserializeOrRaw(RecordedEvent event) {
        Objects.requireNonNull(event, "event");
        Codec codec = byName.get(event.type());
        if (codec != null && codec.currentVersion == event.schemaVersion()) {
            return deserialize(event);
        }
        Object result = deserializeUpcast(event);
        return result == null ? event : result;
    }

    /**
     * Applies the upcaster chain to a stored event and returns its newest known shape as a JSON tree, without
     * binding it to a Java type: raw access that still sees old events in their current shape.
     *
     * @param event a stored event
     * @return the type name, schema version and payload after upcasting
     * @throws UpcastingException when an upcaster fails
     * @throws SerializationException when the payload is not a JSON object
     */
    public JsonEvent upcast(RecordedEvent event) {
        Objects.requireNonNull(event, "event");
        return upcasters.upcast(new JsonEvent(event.type(), event.schemaVersion(), readObject(event)));
    }

    /**
     * Writes any value (a snapshot state, a command) as UTF-8 JSON with this serializer's mapper.
     *
     * @param value the value
     * @return the JSON bytes
     * @throws SerializationException when Jackson cannot write the value
     */
    public byte[] toJson(Object value) {
        Objects.requireNonNull(value, "value");
        try {
            return otherWriters.computeIfAbsent(value.getClass(), mapper::writerFor).writeValueAsBytes(value);
        } catch (IOException e) {
            throw new SerializationException("Cannot write " + value.getClass().getName() + " as JSON: "
                + e.getMessage() + ". Make its fields serializable by Jackson.", e);
        }
    }

    /**
     * Reads UTF-8 JSON written by {@link #toJson} back as a {@code type}.
     *
     * @param json the JSON bytes
     * @param type the class to read
     * @param <T> the class to read
     * @return the value
     * @throws SerializationException when the JSON does not fit {@code type}
     */
    public <T> T fromJson(byte[] json, Class<T> type) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(type, "type");
        try {
            return otherReaders.computeIfAbsent(type, mapper::readerFor).readValue(json);
        } catch (IOException e) {
            throw new SerializationException("Cannot read JSON as " + type.getName() + ": " + e.getMessage()
                + ". Check that the JSON was written for this class.", e);
        }
    }

    /** @return the mapper this serializer uses; do not reconfigure it */
    public ObjectMapper objectMapper() {
        return mapper;
    }

    /** @return the event object, or null when the upcast type is not registered */
    private Object deserializeUpcast(RecordedEvent event) {
        if (!upcasters.hasUpcaster(event.type(), event.schemaVersion())) {
            Codec codec = byName.get(event.type());
            if (codec == null) {
                return null;
            }
            throw versionMismatch(event, codec, event.schemaVersion());
        }
        JsonEvent upcast = upcast(event);
        Codec codec = byName.get(upcast.type());
        if (codec == null) {
            return null;
        }
        if (codec.currentVersion != upcast.schemaVersion()) {
            throw versionMismatch(event, codec, upcast.schemaVersion());
        }
        try {
            return codec.reader.readValue((JsonNode) upcast.payload());
        } catch (IOException e) {
            throw unreadable(event, codec, e);
        }
    }

    private ObjectNode readObject(RecordedEvent event) {
        JsonNode tree;
        try {
            tree = mapper.readTree(event.payload());
        } catch (IOException e) {
            throw new SerializationException("Event '" + event.streamId() + "'@" + event.version() + " (type '"
                + event.type() + "', schema version " + event.schemaVersion() + ") is not valid JSON: "
                + e.getMessage() + ". The stored event is unchanged; read it raw to inspect it.", e);
        }
        if (!(tree instanceof ObjectNode)) {
            throw new SerializationException("Event '" + event.streamId() + "'@" + event.version() + " (type '"
                + event.type() + "') is not a JSON object (found: " + tree.getNodeType() + "). Read it raw.");
        }
        return (ObjectNode) tree;
    }

    private static SerializationException versionMismatch(RecordedEvent event, Codec codec, int version) {
        String fix = version < codec.currentVersion
            ? "Register upcasters for '" + codec.name + "' from version " + version + " up to "
                + codec.currentVersion + "."
            : "The event was written by a newer version of the application; deploy it here too.";
        return new SerializationException("Event '" + event.streamId() + "'@" + event.version() + " of type '"
            + codec.name + "' has schema version " + version + " after upcasting, but " + codec.javaType.getName()
            + " reads version " + codec.currentVersion + ". " + fix);
    }

    private static SerializationException unreadable(RecordedEvent event, Codec codec, IOException e) {
        return new SerializationException("Event '" + event.streamId() + "'@" + event.version() + " (type '"
            + codec.name + "', schema version " + event.schemaVersion() + ") cannot be read as "
            + codec.javaType.getName() + ": " + e.getMessage() + ". If the class changed shape, raise its schema "
            + "version and register an upcaster.", e);
    }

    @Override
    public String toString() {
        return "EventSerializer[" + types + ", " + upcasters + "]";
    }

    /** Precomputed reader and writer of one registered type. */
    private record Codec(String name, Class<?> javaType, int currentVersion, ObjectReader reader,
                         ObjectWriter writer) {
    }

    /**
     * Configures an {@link EventSerializer}.
     * <p>
     * Thread-safety: not thread-safe; use one builder from one thread.
     */
    public static final class Builder {

        private final EventTypes types;
        private ObjectMapper mapper;

        private Builder(EventTypes types) {
            this.types = Objects.requireNonNull(types, "types");
        }

        /**
         * @param mapper the mapper to use instead of {@link #defaultObjectMapper()}; it must not enable default
         *     typing, and is not reconfigured afterwards
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.mapper = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** @return the serializer */
        public EventSerializer build() {
            return new EventSerializer(types, mapper != null ? mapper : defaultObjectMapper());
        }
    }
}
