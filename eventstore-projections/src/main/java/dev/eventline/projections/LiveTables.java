package dev.eventline.projections;

import dev.eventline.projections.internal.Names;
import java.util.Objects;

/**
 * The physical names of a JDBC projection's live tables at one moment, for queries that read its read model.
 * <p>
 * Normally a table's physical name is its base name ({@code balance}). With
 * {@link JdbcCheckpointStore.Builder#generationTables(boolean) generation tables} on H2, a shadow rebuild switches
 * by moving the projection to its rebuilt tables, named {@code <table>__g<generation>}, in one checkpoint
 * transaction: readers see the old tables or the new ones, never a missing table or a mix. Readers must then ask
 * for the names: take one {@code LiveTables} per query or unit of work, from
 * {@link JdbcCheckpointStore#liveTables(java.sql.Connection, String)}, and name every table of the projection
 * through it, so all of them come from the same generation. A name stays valid until the switch after the next
 * one (the tables it replaced are dropped by the next rebuild's switch), so do not keep it longer than a query
 * or a request.
 * <pre>{@code
 * try (Connection connection = dataSource.getConnection()) {
 *     LiveTables tables = checkpoints.liveTables(connection, "balances");
 *     try (PreparedStatement select = connection.prepareStatement(
 *             "SELECT cents FROM " + tables.table("balance") + " WHERE account = ?")) {
 *         ...
 *     }
 * }
 * }</pre>
 * <p>
 * Thread-safety: immutable.
 *
 * @param projection the projection's name
 * @param generation the generation of its live tables; 0 when they have their base names (the default layout,
 *     and always on PostgreSQL)
 * @since 0.1
 */
public record LiveTables(String projection, int generation) {

    /**
     * @throws NullPointerException when {@code projection} is null
     * @throws IllegalArgumentException when {@code generation} is negative
     */
    public LiveTables {
        Objects.requireNonNull(projection, "projection");
        if (generation < 0) {
            throw new IllegalArgumentException("generation must be >= 0 (generation: " + generation + ")");
        }
    }

    /**
     * @param baseName a table of the projection, as declared in {@link Projection#tables()}
     * @return the table to query now: {@code baseName} at generation 0, else {@code <baseName>__g<generation>}
     * @throws IllegalArgumentException when {@code baseName} is not a valid table base name
     */
    public String table(String baseName) {
        Names.tableBaseName(baseName);
        return generation == 0 ? baseName : Track.shadowTable(baseName, generation);
    }

    /** @return true when the tables carry a generation suffix (after a generation switch on H2) */
    public boolean isGenerationNamed() {
        return generation > 0;
    }
}
