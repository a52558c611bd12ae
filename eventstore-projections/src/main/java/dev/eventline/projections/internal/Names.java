package dev.eventline.projections.internal;

import java.util.Collection;
import java.util.Objects;
import java.util.regex.Pattern;

/** Validates projection names and table identifiers, so nothing user-given is ever spliced into SQL unchecked. */
public final class Names {
    private static final Pattern PROJECTION = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Pattern TABLE_BASE = Pattern.compile("[a-z_][a-z0-9_]{0,49}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Names() {
    }

    /**
     * @param name a projection name
     * @return the name, when valid
     */
    public static String projectionName(String name) {
        Objects.requireNonNull(name, "name");
        if (!PROJECTION.matcher(name).matches()) {
            throw new IllegalArgumentException("projection name must be 1 to 100 characters of [A-Za-z0-9_.-] (name: '"
                + abbreviate(name) + "'). Choose a plain identifier such as 'account_balance'.");
        }
        return name;
    }

    /**
     * @param table a table base name
     * @return the name, when valid
     */
    public static String tableBaseName(String table) {
        Objects.requireNonNull(table, "table");
        if (!TABLE_BASE.matcher(table).matches()) {
            throw new IllegalArgumentException("table base name must match [a-z_][a-z0-9_]{0,49} (table: '"
                + abbreviate(table) + "'); the rest of the 63 characters is kept for shadow-copy suffixes.");
        }
        return table;
    }

    /**
     * @param projection the projection's name, for the message
     * @param declared the tables the projection declares
     * @param table a table a handler asks for
     * @return the table, when the projection declares it
     */
    public static String declaredTable(String projection, Collection<String> declared, String table) {
        if (!declared.contains(table)) {
            throw new IllegalArgumentException("projection '" + projection + "' does not declare table '" + table
                + "' (declared: " + declared + "). Add it to tables().");
        }
        return table;
    }

    /**
     * @param identifier an SQL identifier
     * @param what what it names, for the message
     * @return the identifier, when valid
     */
    public static String identifier(String identifier, String what) {
        Objects.requireNonNull(identifier, what);
        if (!IDENTIFIER.matcher(identifier).matches()) {
            throw new dev.eventline.core.ConfigurationException(what + " must match [a-z_][a-z0-9_]{0,62} ("
                + what + ": '" + abbreviate(identifier) + "'). Use lowercase letters, digits and underscores.");
        }
        return identifier;
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "…";
    }
}
