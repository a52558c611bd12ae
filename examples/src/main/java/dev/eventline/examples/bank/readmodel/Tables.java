package dev.eventline.examples.bank.readmodel;

/**
 * Resolves a read model's logical table names to physical ones.
 * <p>
 * Queries read the live tables ({@link #live()}); handlers resolve through the projection's context, which names
 * the shadow copy while a rebuild fills it. Every physical name starts with {@link #PREFIX}.
 */
@FunctionalInterface
public interface Tables {

    /** Prefix of every read-model table, keeping them apart from the application's other tables. */
    String PREFIX = "bank_";

    /**
     * @param table the logical table name, e.g. {@code accounts}
     * @return the physical table name to use now
     */
    String name(String table);

    /** @return the names queries read: the live tables */
    static Tables live() {
        return table -> PREFIX + table;
    }
}
