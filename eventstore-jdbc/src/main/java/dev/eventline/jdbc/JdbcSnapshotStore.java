package dev.eventline.jdbc;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SnapshotStore} in its own table ({@code <prefix>snapshots}) of a PostgreSQL or H2 database.
 * <p>
 * Each call is its own short auto-committed statement, never part of a command's append transaction: a snapshot
 * is a cache, and writing one must not hold locks an append needs. Saving the same stream and version again
 * replaces the row (an upsert). State bytes are stored exactly as given.
 * <p>
 * Thread-safety: safe for concurrent use.
 * <pre>{@code
 * JdbcSnapshotStore snapshots = JdbcSnapshotStore.builder(dataSource).build();
 * snapshots.createSchema();
 * }</pre>
 *
 * @since 0.1
 */
public final class JdbcSnapshotStore implements SnapshotStore {

    /** The component name under which the snapshot table's versions are recorded. */
    public static final String COMPONENT = "snapshots";
    static final String MIGRATIONS = "dev/eventline/jdbc/snapshots";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String schema;
    private final String tablePrefix;
    private final String save;
    private final String latestAtOrBefore;
    private final String delete;

    private JdbcSnapshotStore(Builder builder, Dialect dialect) {
        this.dataSource = builder.dataSource;
        this.dialect = dialect;
        this.schema = builder.schema;
        this.tablePrefix = builder.tablePrefix;
        boolean postgres = dialect instanceof PostgresDialect;
        this.save = Identifiers.render(postgres ? PostgresDialect.SNAPSHOT_SAVE : H2Dialect.SNAPSHOT_SAVE,
            schema, tablePrefix);
        this.latestAtOrBefore = Identifiers.render(PostgresDialect.SNAPSHOT_LATEST_AT_OR_BEFORE, schema,
            tablePrefix);
        this.delete = Identifiers.render(PostgresDialect.SNAPSHOT_DELETE, schema, tablePrefix);
    }

    /**
     * @param dataSource where the snapshots live; the store never closes it
     * @return a builder with the defaults (prefix {@code "el_"}, the connection's schema, detected dialect)
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Creates or upgrades the snapshot table; safe to call on every start, from several instances at once.
     *
     * @return the schema versions this call applied (empty when up to date)
     */
    public List<Integer> createSchema() {
        return SchemaMigrator.migrate(dataSource, dialect, schema, tablePrefix, COMPONENT, MIGRATIONS);
    }

    /** @return the DDL {@link #createSchema()} applies, for Flyway or Liquibase users */
    public String schemaSql() {
        return SchemaMigrator.schemaSql(dialect, schema, tablePrefix, MIGRATIONS);
    }

    @Override
    public void save(Snapshot snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(save)) {
            statement.setString(1, snapshot.streamId());
            statement.setLong(2, snapshot.version());
            statement.setInt(3, snapshot.stateRevision());
            statement.setBytes(4, snapshot.state());
            statement.setObject(5, OffsetDateTime.ofInstant(snapshot.takenAt(), ZoneOffset.UTC));
            statement.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("Saving the snapshot of stream '" + snapshot.streamId() + "' at version "
                + snapshot.version(), e);
        }
    }

    @Override
    public Optional<Snapshot> latest(String streamId) {
        return latestAtOrBefore(streamId, Long.MAX_VALUE);
    }

    @Override
    public Optional<Snapshot> latestAtOrBefore(String streamId, long version) {
        Objects.requireNonNull(streamId, "streamId");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(latestAtOrBefore)) {
            statement.setString(1, streamId);
            statement.setLong(2, version);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Snapshot(row.getString(1), row.getLong(2), row.getInt(3), row.getBytes(4),
                    row.getObject(5, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("Reading the snapshot of stream '" + streamId + "'", e);
        }
    }

    @Override
    public void delete(String streamId) {
        Objects.requireNonNull(streamId, "streamId");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(delete)) {
            statement.setString(1, streamId);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("Deleting the snapshots of stream '" + streamId + "'", e);
        }
    }

    @Override
    public String toString() {
        return "JdbcSnapshotStore[" + dialect + ", table " + (schema.isEmpty() ? "" : schema + ".") + tablePrefix
            + "snapshots]";
    }

    /**
     * Configures a {@link JdbcSnapshotStore}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private Dialect dialect;
        private String schema = "";
        private String tablePrefix = JdbcEventStore.DEFAULT_TABLE_PREFIX;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * @param dialect the database's dialect (default: detected at build, which opens one connection)
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * @param schema the schema holding the table, {@code [a-z_][a-z0-9_]{0,62}} (default: "", the
         *     connection's current schema)
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param tablePrefix the table prefix, {@code [a-z_][a-z0-9_]{0,62}} (default {@code "el_"})
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
            return this;
        }

        /**
         * @return the store
         * @throws ConfigurationException when a name is invalid
         */
        public JdbcSnapshotStore build() {
            Identifiers.check("schema", schema, true);
            Identifiers.checkPrefix(tablePrefix);
            return new JdbcSnapshotStore(this, dialect != null ? dialect : Dialect.detect(dataSource));
        }
    }
}
