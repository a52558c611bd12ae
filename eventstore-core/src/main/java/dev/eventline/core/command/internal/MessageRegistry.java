package dev.eventline.core.command.internal;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.NoHandlerException;
import dev.eventline.core.UnknownMessageTypeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The handlers of one bus by Java type and by envelope type name; shared by both buses so they resolve types
 * (including registered supertypes) the same way.
 *
 * @param <H> what is registered per type (a handler, possibly with options)
 */
public final class MessageRegistry<H> {

    /** What envelope type names may look like: no spaces, no class-name syntax surprises. */
    public static final Pattern TYPE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,127}");

    /**
     * One registration.
     *
     * @param type the registered Java type
     * @param typeName its envelope name, or null when registered by class only
     * @param handler what was registered
     * @param <H> what is registered per type
     */
    public record Registration<H>(Class<?> type, String typeName, H handler) {
    }

    private final String bus;
    private final Map<Class<?>, Registration<H>> byClass;
    private final Map<String, Class<?>> byName;
    private final Map<Class<?>, String> nameByClass = new HashMap<>();
    private final ConcurrentHashMap<Class<?>, Registration<H>> resolved = new ConcurrentHashMap<>();

    /**
     * @param bus "command" or "query", for messages
     * @param byClass the registrations by type
     * @param byName the types by envelope name
     */
    public MessageRegistry(String bus, Map<Class<?>, Registration<H>> byClass, Map<String, Class<?>> byName) {
        this.bus = bus;
        this.byClass = Map.copyOf(byClass);
        this.byName = Map.copyOf(byName);
        byName.forEach((name, type) -> nameByClass.put(type, name));
    }

    /**
     * Records one registration in a builder's maps, or a problem to report from {@code build()}.
     *
     * @param problems where to collect configuration problems
     * @param byClass the builder's registrations by type
     * @param byName the builder's types by name
     * @param bus "command" or "query"
     * @param typeName the envelope name, or null
     * @param type the Java type
     * @param handler what to register
     * @param <H> what is registered per type
     */
    public static <H> void collect(List<String> problems, Map<Class<?>, Registration<H>> byClass,
                                   Map<String, Class<?>> byName, String bus, String typeName, Class<?> type,
                                   H handler) {
        if (byClass.containsKey(type)) {
            problems.add(bus + " type " + type.getName() + " has two handlers; register exactly one");
            return;
        }
        if (typeName != null) {
            if (!TYPE_NAME.matcher(typeName).matches()) {
                problems.add(bus + " type name '" + typeName + "' of " + type.getName() + " is invalid; use "
                    + TYPE_NAME.pattern());
                return;
            }
            if (byName.containsKey(typeName)) {
                problems.add(bus + " type name '" + typeName + "' is used by both " + byName.get(typeName).getName()
                    + " and " + type.getName() + "; give each type its own name");
                return;
            }
            byName.put(typeName, type);
        }
        byClass.put(type, new Registration<>(type, typeName, handler));
    }

    /**
     * @param type a message's class
     * @return the registration for it, or for its nearest registered supertype
     * @throws NoHandlerException when neither it nor a supertype is registered
     * @throws ConfigurationException when two supertypes at the same distance are registered
     */
    public Registration<H> forClass(Class<?> type) {
        var found = resolved.get(type);
        if (found == null) {
            found = resolve(type);
            resolved.putIfAbsent(type, found);
        }
        return found;
    }

    /**
     * @param typeName an envelope type name
     * @return the Java type registered under it
     * @throws UnknownMessageTypeException when none is
     */
    public Class<?> forName(String typeName) {
        Objects.requireNonNull(typeName, "typeName");
        var type = byName.get(typeName);
        if (type == null) {
            throw new UnknownMessageTypeException(bus, typeName, byName.keySet());
        }
        return type;
    }

    /**
     * @param type a message's class
     * @return its envelope name when it has one, else its simple class name (for logs and metrics only)
     */
    public String nameOf(Class<?> type) {
        var name = nameByClass.get(type);
        if (name != null) {
            return name;
        }
        var simple = type.getSimpleName();
        return simple.isEmpty() ? type.getName() : simple;
    }

    /** @return the registered envelope names */
    public Set<String> names() {
        return byName.keySet();
    }

    /** @return every registration */
    public List<Registration<H>> registrations() {
        return List.copyOf(byClass.values());
    }

    private Registration<H> resolve(Class<?> type) {
        var level = List.<Class<?>>of(type);
        var seen = new HashSet<Class<?>>();
        while (!level.isEmpty()) {
            var matches = new LinkedHashMap<Class<?>, Registration<H>>();
            var nextLevel = new ArrayList<Class<?>>();
            for (var candidate : level) {
                if (!seen.add(candidate)) {
                    continue;
                }
                var registration = byClass.get(candidate);
                if (registration != null) {
                    matches.put(candidate, registration);
                }
                if (candidate.getSuperclass() != null && candidate.getSuperclass() != Object.class) {
                    nextLevel.add(candidate.getSuperclass());
                }
                nextLevel.addAll(List.of(candidate.getInterfaces()));
            }
            if (matches.size() == 1) {
                return matches.values().iterator().next();
            }
            if (matches.size() > 1) {
                throw new ConfigurationException(bus + " " + type.getName() + " matches several handlers through "
                    + "its supertypes (" + matches.keySet() + "). Register a handler for " + type.getSimpleName()
                    + " itself to choose one.");
            }
            level = nextLevel;
        }
        throw new NoHandlerException(bus, type);
    }
}
