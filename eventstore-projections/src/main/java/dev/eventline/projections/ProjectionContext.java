package dev.eventline.projections;

import java.sql.Connection;

/**
 * What a handler sees of the runner while it applies events: the transaction's connection and the physical
 * names of the projection's tables.
 * <p>
 * A context is only valid during the call it is passed to. During a shadow rebuild {@link #table(String)} names
 * the shadow copy, so a handler that always asks the context for its table names writes to the right copy.
 * <p>
 * Thread-safety: confined to the runner thread that passed it.
 *
 * @since 0.1
 */
public interface ProjectionContext {

    /** @return the name of the projection being applied */
    String projectionName();

    /**
     * @return the JDBC connection of the batch's transaction; do not commit, roll back or close it
     * @throws IllegalStateException when the runner uses a non-transactional (in-memory) checkpoint store
     */
    Connection connection();

    /**
     * Resolves a table of the projection's read model to the physical table to use now.
     *
     * @param baseName the table's name as declared in {@link Projection#tables()}
     * @return {@code baseName} normally; the shadow table's name while a shadow rebuild writes the copy; on H2
     *     with {@link JdbcCheckpointStore.Builder#generationTables(boolean) generation tables}, after a shadow
     *     rebuild has switched, the live generation's name ({@code <baseName>__g<n>}, see {@link LiveTables})
     * @throws IllegalArgumentException when the projection does not declare {@code baseName}
     */
    String table(String baseName);

    /** @return true while the projection is being rebuilt (a shadow copy, or a truncate-and-replay) */
    boolean isRebuilding();
}
