package dev.eventline.examples.bank.readmodel;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The physical table names of one generation of a read model: {@code rm_<model>_g<generation>_<table>}.
 * <p>
 * A rebuild fills the next generation's tables while queries keep reading the current one, then switches.
 * Names are checked against {@code [a-z_][a-z0-9_]{0,62}} because they are written into SQL text.
 *
 * @param prefix the common prefix, e.g. {@code rm_account_balance_g1_}
 */
public record Tables(String prefix) {

    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    /** Validates the prefix. */
    public Tables {
        Objects.requireNonNull(prefix, "prefix");
        if (!IDENTIFIER.matcher(prefix).matches()) {
            throw new IllegalArgumentException("prefix must match [a-z_][a-z0-9_]{0,62} (prefix: " + prefix + ")");
        }
    }

    /**
     * @param model the read model's name
     * @param generation the generation, {@code >= 1}
     * @return the tables of that generation
     */
    public static Tables of(String model, long generation) {
        return new Tables("rm_" + model + "_g" + generation + "_");
    }

    /**
     * @param table the logical table name
     * @return the physical name
     */
    public String name(String table) {
        String name = prefix + table;
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("table name must match [a-z_][a-z0-9_]{0,62} (name: " + name + ")");
        }
        return name;
    }
}
