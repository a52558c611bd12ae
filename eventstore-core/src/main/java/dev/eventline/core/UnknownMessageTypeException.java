package dev.eventline.core;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An envelope named a command or query type that is not registered on the bus, so it cannot become a Java
 * object. Nothing was run.
 * <p>
 * Retrying cannot help: check the type name (the known names are listed in the message), or register it with
 * {@code .handle("TypeName", Type.class, handler)}.
 *
 * @since 0.1
 */
public final class UnknownMessageTypeException extends EventStoreException {

    private final String typeName;
    private final List<String> knownTypes;

    /**
     * @param bus which bus was asked ("command" or "query")
     * @param typeName the unknown type name
     * @param knownTypes the names the bus knows
     */
    public UnknownMessageTypeException(String bus, String typeName, Set<String> knownTypes) {
        super("Unknown " + bus + " type '" + typeName + "': no " + bus + " is registered under that name (known: "
            + new TreeSet<>(knownTypes) + "). Use one of the known names, or register the type with .handle(\""
            + typeName + "\", Type.class, handler).");
        this.typeName = typeName;
        this.knownTypes = List.copyOf(new TreeSet<>(knownTypes));
    }

    /** @return the unknown type name */
    public String typeName() {
        return typeName;
    }

    /** @return the type names the bus knows, sorted */
    public List<String> knownTypes() {
        return knownTypes;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
