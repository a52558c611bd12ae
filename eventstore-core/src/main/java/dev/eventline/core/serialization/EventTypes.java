package dev.eventline.core.serialization;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.upcast.Upcasters;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The explicit registry of event types: logical type name, Java type and current schema version, plus the
 * {@link Upcasters} that lift older versions to the current one.
 * <p>
 * Type names are what is stored; Java class names never are, so classes can be renamed or moved freely and
 * nothing read from storage ever picks a Java class by itself. Each name maps to exactly one class and each
 * class to one name.
 * <p>
 * Thread-safety: immutable and safe for concurrent use.
 * <pre>{@code
 * EventTypes types = EventTypes.builder()
 *     .register("AccountOpened", AccountOpened.class, 2)
 *     .register("MoneyDeposited", MoneyDeposited.class)
 *     .upcasters(Upcasters.builder().add("AccountOpened", 1, node -> node.put("currency", "EUR")).build())
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class EventTypes {

    /** The schema version of a type registered without one. */
    public static final int INITIAL_VERSION = 1;

    private final Map<String, Registration> byName;
    private final Map<Class<?>, Registration> byClass;
    private final Upcasters upcasters;

    private EventTypes(Map<String, Registration> byName, Map<Class<?>, Registration> byClass, Upcasters upcasters) {
        this.byName = byName;
        this.byClass = byClass;
        this.upcasters = upcasters;
    }

    /** @return a builder with no types and no upcasters */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param javaType an event class
     * @return the type name registered for exactly that class, if any
     */
    public Optional<String> findName(Class<?> javaType) {
        Registration registration = byClass.get(Objects.requireNonNull(javaType, "javaType"));
        return registration == null ? Optional.empty() : Optional.of(registration.name);
    }

    /**
     * @param name a logical type name
     * @return the Java type registered for that name, if any
     */
    public Optional<Class<?>> findJavaType(String name) {
        Registration registration = byName.get(Objects.requireNonNull(name, "name"));
        return registration == null ? Optional.empty() : Optional.of(registration.javaType);
    }

    /**
     * @param name a registered type name
     * @return the schema version new events of that type are written with
     * @throws IllegalArgumentException when the name is not registered
     */
    public int currentVersion(String name) {
        Registration registration = byName.get(Objects.requireNonNull(name, "name"));
        if (registration == null) {
            throw new IllegalArgumentException("type name is not registered (name: '" + name + "')");
        }
        return registration.currentVersion;
    }

    /** @return every registered type name, in registration order */
    public Set<String> names() {
        return Collections.unmodifiableSet(byName.keySet());
    }

    /** @return the upcasters applied on read */
    public Upcasters upcasters() {
        return upcasters;
    }

    Map<String, Registration> registrations() {
        return byName;
    }

    @Override
    public String toString() {
        return "EventTypes" + byName.values();
    }

    /** One registered type; package-private so the serializer can precompute readers and writers. */
    record Registration(String name, Class<?> javaType, int currentVersion) {
        @Override
        public String toString() {
            return name + "@" + currentVersion + "=" + javaType.getSimpleName();
        }
    }

    /**
     * Collects registrations; {@link #build()} validates them and returns the immutable registry.
     * <p>
     * Thread-safety: not thread-safe; use one builder from one thread.
     */
    public static final class Builder {

        private final Map<String, Registration> byName = new LinkedHashMap<>();
        private final Map<Class<?>, Registration> byClass = new LinkedHashMap<>();
        private Upcasters upcasters = Upcasters.none();

        private Builder() {
        }

        /**
         * Registers a type at schema version {@value EventTypes#INITIAL_VERSION}.
         *
         * @param name the logical type name stored with each event, e.g. {@code "MoneyDeposited"}
         * @param javaType the concrete class (usually a record) events of that name are read as
         * @return this builder
         * @throws ConfigurationException when the name or the class is already registered
         */
        public Builder register(String name, Class<?> javaType) {
            return register(name, javaType, INITIAL_VERSION);
        }

        /**
         * Registers a type at a given current schema version.
         *
         * @param name the logical type name stored with each event
         * @param javaType the concrete class (usually a record) events of that name are read as
         * @param currentVersion the schema version new events are written with, {@code >= 1}; older stored
         *     versions need upcasters up to this one
         * @return this builder
         * @throws ConfigurationException when the name or the class is already registered, or the class cannot
         *     be instantiated (an interface or abstract class)
         */
        public Builder register(String name, Class<?> javaType, int currentVersion) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(javaType, "javaType");
            if (name.isBlank() || !name.strip().equals(name)) {
                throw new IllegalArgumentException(
                    "name must not be blank or have surrounding whitespace (name: '" + name + "')");
            }
            if (currentVersion < 1) {
                throw new IllegalArgumentException(
                    "currentVersion must be >= 1 (currentVersion: " + currentVersion + ")");
            }
            if (javaType.isInterface() || javaType.isPrimitive() || javaType.isArray()
                || Modifier.isAbstract(javaType.getModifiers())) {
                throw new ConfigurationException("Event type '" + name + "' is registered with " + javaType.getName()
                    + ", which cannot be instantiated (an interface, abstract class, array or primitive). Register "
                    + "each concrete event record under its own name.");
            }
            Registration registration = new Registration(name, javaType, currentVersion);
            Registration sameName = byName.get(name);
            if (sameName != null) {
                throw new ConfigurationException("Event type name '" + name + "' is registered twice (classes: "
                    + sameName.javaType().getName() + ", " + javaType.getName() + "). Give each class its own name.");
            }
            Registration sameClass = byClass.get(javaType);
            if (sameClass != null) {
                throw new ConfigurationException("Class " + javaType.getName() + " is registered twice (names: '"
                    + sameClass.name() + "', '" + name + "'). Register it once; map old names to it with "
                    + "Upcasters.rename.");
            }
            byName.put(name, registration);
            byClass.put(javaType, registration);
            return this;
        }

        /**
         * @param upcasters the chain applied to stored events on read (default: none)
         * @return this builder
         */
        public Builder upcasters(Upcasters upcasters) {
            this.upcasters = Objects.requireNonNull(upcasters, "upcasters");
            return this;
        }

        /**
         * @return the immutable registry
         * @throws ConfigurationException when an upcaster would lift a type past its current version
         */
        public EventTypes build() {
            for (Registration registration : byName.values()) {
                for (int fromVersion : upcasters.fromVersions(registration.name())) {
                    if (fromVersion >= registration.currentVersion()) {
                        throw new ConfigurationException("An upcaster for event type '" + registration.name()
                            + "' reads schema version " + fromVersion + ", but the type's current version is "
                            + registration.currentVersion() + ", so it would lift events past it. Register the "
                            + "type with version " + (fromVersion + 1) + " or remove the upcaster.");
                    }
                }
            }
            return new EventTypes(Collections.unmodifiableMap(new LinkedHashMap<>(byName)),
                Map.copyOf(byClass), upcasters);
        }
    }
}
