package dev.eventline.core.upcast;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.ConfigurationException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The registered upcasters, keyed by (type, fromVersion), and the chain that applies them on read.
 * <p>
 * Reading an event at schema version n applies the upcaster for (type, n), then the one for the resulting
 * (type', n+1), and so on until none matches. Every step raises the version by one, so a chain always ends.
 * Stored events are never rewritten. Each upcaster is a small function that can, and should, be tested alone.
 * <p>
 * Thread-safety: immutable and safe for concurrent use (provided the registered functions are pure).
 * <pre>{@code
 * Upcasters upcasters = Upcasters.builder()
 *     .add("AccountOpened", 1, node -> node.put("currency", "EUR"))
 *     .rename("FundsAdded", 1, "MoneyDeposited")
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class Upcasters {

    private static final Upcasters NONE = new Upcasters(Map.of());

    private final Map<Key, Upcaster> byKey;

    private Upcasters(Map<Key, Upcaster> byKey) {
        this.byKey = byKey;
    }

    /** @return a builder with no upcasters */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the empty chain: events are read at the version they were stored with */
    public static Upcasters none() {
        return NONE;
    }

    /**
     * @param type an event type name
     * @param fromVersion a schema version
     * @return true when an upcaster is registered for ({@code type}, {@code fromVersion})
     */
    public boolean hasUpcaster(String type, int fromVersion) {
        return !byKey.isEmpty() && byKey.containsKey(new Key(type, fromVersion));
    }

    /**
     * @param type an event type name
     * @return the schema versions that have an upcaster registered for {@code type}, ascending
     */
    public SortedSet<Integer> fromVersions(String type) {
        Objects.requireNonNull(type, "type");
        var versions = new TreeSet<Integer>();
        byKey.keySet().forEach(key -> {
            if (key.type.equals(type)) {
                versions.add(key.fromVersion);
            }
        });
        return Collections.unmodifiableSortedSet(versions);
    }

    /** @return true when no upcaster is registered */
    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    /**
     * Applies the chain to an event until no upcaster matches.
     *
     * @param event the event as stored
     * @return the event at its newest known shape; {@code event} itself when no upcaster matches
     * @throws UpcastingException when an upcaster throws, returns null or does not raise the version by one
     */
    public JsonEvent upcast(JsonEvent event) {
        Objects.requireNonNull(event, "event");
        JsonEvent current = event;
        Upcaster next = byKey.get(new Key(current.type(), current.schemaVersion()));
        while (next != null) {
            current = applyOne(next, current);
            next = byKey.get(new Key(current.type(), current.schemaVersion()));
        }
        return current;
    }

    private static JsonEvent applyOne(Upcaster upcaster, JsonEvent event) {
        JsonEvent result;
        try {
            result = upcaster.upcast(event);
        } catch (RuntimeException e) {
            throw new UpcastingException(event.type(), event.schemaVersion(), e.toString(), e);
        }
        if (result == null) {
            throw new UpcastingException(event.type(), event.schemaVersion(), "the upcaster returned null", null);
        }
        if (result.schemaVersion() != event.schemaVersion() + 1) {
            throw new UpcastingException(event.type(), event.schemaVersion(), "the upcaster returned schema version "
                + result.schemaVersion() + " instead of " + (event.schemaVersion() + 1)
                + " (use JsonEvent.next(...))", null);
        }
        return result;
    }

    @Override
    public String toString() {
        return "Upcasters" + new TreeSet<>(byKey.keySet().stream().map(Key::toString).toList());
    }

    private record Key(String type, int fromVersion) {
        @Override
        public String toString() {
            return type + "@" + fromVersion;
        }
    }

    /**
     * Collects upcasters; {@link #build()} returns the immutable chain.
     * <p>
     * Thread-safety: not thread-safe; use one builder from one thread.
     */
    public static final class Builder {

        private final Map<Key, Upcaster> byKey = new HashMap<>();

        private Builder() {
        }

        /**
         * Registers a payload change that keeps the type name.
         *
         * @param type the event type
         * @param fromVersion the schema version the function reads, {@code >= 1}; it produces {@code fromVersion + 1}
         * @param transform turns the payload at {@code fromVersion} into the payload at {@code fromVersion + 1};
         *     may modify and return its argument
         * @return this builder
         * @throws ConfigurationException when an upcaster is already registered for ({@code type},
         *     {@code fromVersion})
         */
        public Builder add(String type, int fromVersion, UnaryOperator<ObjectNode> transform) {
            Objects.requireNonNull(transform, "transform");
            return register(type, fromVersion, event -> event.next(transform.apply(event.payload())));
        }

        /**
         * Registers a rename: events of {@code oldType} at {@code fromVersion} are read as {@code newType} at
         * {@code fromVersion + 1}, payload unchanged. Further upcasters may be registered for
         * ({@code newType}, {@code fromVersion + 1}).
         *
         * @param oldType the type name as stored
         * @param fromVersion the schema version of the stored events, {@code >= 1}
         * @param newType the type name to read them as
         * @return this builder
         * @throws ConfigurationException when an upcaster is already registered for ({@code oldType},
         *     {@code fromVersion})
         */
        public Builder rename(String oldType, int fromVersion, String newType) {
            Objects.requireNonNull(newType, "newType");
            if (newType.isBlank()) {
                throw new IllegalArgumentException("newType must not be blank (newType: '" + newType + "')");
            }
            return register(oldType, fromVersion, event -> event.next(newType, event.payload()));
        }

        /**
         * Registers a general upcaster, which may change the type name and the payload.
         *
         * @param type the event type
         * @param fromVersion the schema version the upcaster reads, {@code >= 1}
         * @param upcaster the upcaster
         * @return this builder
         * @throws ConfigurationException when an upcaster is already registered for ({@code type},
         *     {@code fromVersion})
         */
        public Builder register(String type, int fromVersion, Upcaster upcaster) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(upcaster, "upcaster");
            if (type.isBlank()) {
                throw new IllegalArgumentException("type must not be blank (type: '" + type + "')");
            }
            if (fromVersion < 1) {
                throw new IllegalArgumentException("fromVersion must be >= 1 (fromVersion: " + fromVersion + ")");
            }
            if (byKey.putIfAbsent(new Key(type, fromVersion), upcaster) != null) {
                throw new ConfigurationException("Two upcasters are registered for event type '" + type
                    + "' from schema version " + fromVersion + ". Keep one: each (type, version) step has exactly "
                    + "one upcaster.");
            }
            return this;
        }

        /** @return the immutable chain */
        public Upcasters build() {
            return byKey.isEmpty() ? NONE : new Upcasters(Map.copyOf(byKey));
        }
    }
}
