package dev.eventline.jdbc.internal;

import dev.eventline.core.ConfigurationException;
import java.util.Objects;
import java.util.regex.Pattern;

/** Checks configured table prefixes and schema names, the only text ever spliced into SQL. */
public final class Identifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /**
     * The longest table prefix: PostgreSQL cuts identifiers at 63 bytes, and the longest name Eventline derives from
     * a prefix adds 30 characters ({@code command_dedup_completed_at_idx}), so a longer prefix could be silently cut
     * or make two names collide. 32 leaves a margin for future tables.
     */
    public static final int MAX_PREFIX_LENGTH = 32;

    private Identifiers() {
    }

    /**
     * @param prefix a table prefix
     * @return the prefix
     * @throws ConfigurationException when it is not a plain lowercase SQL identifier of at most
     *     {@link #MAX_PREFIX_LENGTH} characters
     */
    public static String checkPrefix(String prefix) {
        check("table prefix", prefix, false);
        if (prefix.length() > MAX_PREFIX_LENGTH) {
            throw new ConfigurationException("Invalid table prefix: too long (value: '" + prefix + "', length: "
                + prefix.length() + ", limit: " + MAX_PREFIX_LENGTH + "). Table and index names are the prefix plus up "
                + "to 30 characters and PostgreSQL cuts names at 63 bytes: use a shorter prefix.");
        }
        return prefix;
    }

    /**
     * @param what what the name configures, for the message
     * @param value the name
     * @param allowEmpty whether "" (meaning none) is accepted
     * @return the name
     * @throws ConfigurationException when it is not a plain lowercase SQL identifier
     */
    public static String check(String what, String value, boolean allowEmpty) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() && allowEmpty) {
            return value;
        }
        if (!IDENTIFIER.matcher(value).matches()) {
            throw new ConfigurationException("Invalid " + what + " (value: '" + value + "'). Use 1 to 63 lowercase "
                + "letters, digits and underscores, not starting with a digit (pattern [a-z_][a-z0-9_]{0,62}).");
        }
        return value;
    }

    /**
     * Replaces the {@code ${schema}} and {@code ${prefix}} placeholders of a statement.
     *
     * @param sql the statement with placeholders
     * @param schema a checked schema name, or "" for the connection's current schema
     * @param prefix a checked table prefix
     * @return the statement with qualified names
     */
    public static String render(String sql, String schema, String prefix) {
        return sql.replace("${schema}", schema.isEmpty() ? "" : schema + ".").replace("${prefix}", prefix);
    }
}
