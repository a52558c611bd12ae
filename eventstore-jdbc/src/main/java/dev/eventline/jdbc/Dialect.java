package dev.eventline.jdbc;

import dev.eventline.core.ConfigurationException;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The SQL flavour of a database Eventline stores events in: {@link PostgresDialect} or {@link H2Dialect}.
 * <p>
 * A dialect holds every statement Eventline runs on that database, as text blocks with {@code ${schema}} and
 * {@code ${prefix}} placeholders for the validated table names; values are always bound parameters. It also
 * names the resource folder its migrations live in ({@link #folder()}).
 * <p>
 * Thread-safety: immutable, safe for concurrent use.
 * <pre>{@code
 * Dialect dialect = Dialect.detect(dataSource);   // or Dialect.postgres(), Dialect.h2()
 * }</pre>
 *
 * @since 0.1
 */
public sealed interface Dialect permits PostgresDialect, H2Dialect {

    /** @return the PostgreSQL dialect (PostgreSQL 13 or newer: it needs {@code pg_current_xact_id()}) */
    static Dialect postgres() {
        return PostgresDialect.INSTANCE;
    }

    /** @return the H2 dialect (H2 2.x, in memory or file) */
    static Dialect h2() {
        return H2Dialect.INSTANCE;
    }

    /**
     * Asks the database which product it is.
     *
     * @param dataSource where to connect
     * @return the matching dialect
     * @throws ConfigurationException when the database is neither PostgreSQL nor H2
     * @throws dev.eventline.core.StorageException when no connection can be made
     */
    static Dialect detect(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        String product;
        try (Connection connection = dataSource.getConnection()) {
            product = connection.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw SqlErrors.translate("Detecting the database product", e);
        }
        String normalized = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (normalized.contains("postgres")) {
            return postgres();
        }
        if (normalized.equals("h2")) {
            return h2();
        }
        throw new ConfigurationException("Unsupported database (product: '" + product + "'). Eventline supports "
            + "PostgreSQL and H2; pass Dialect.postgres() for a PostgreSQL-compatible server.");
    }

    /**
     * @return the short name, also the name of the resource sub-folder holding this dialect's migrations:
     *     {@code "postgres"} or {@code "h2"}
     */
    String folder();

    /**
     * @return true when readers must wait for the transaction-id horizon (PostgreSQL); false when appends are
     *     serialized so that positions are handed out in commit order (H2)
     */
    boolean usesTransactionIdOrder();
}
