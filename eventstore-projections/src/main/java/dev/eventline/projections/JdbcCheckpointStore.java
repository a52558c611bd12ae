package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.H2Dialect;
import dev.eventline.jdbc.SchemaMigrator;
import dev.eventline.projections.internal.Names;
import dev.eventline.projections.internal.Sql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * A {@link CheckpointStore} in a relational database (PostgreSQL or H2), beside the JDBC read models.
 * <p>
 * Each {@link #inTransaction} call is one database transaction on one connection: a batch's read-model rows,
 * parked events and the checkpoint commit together, which gives JDBC projections exactly-once effects even when
 * the process dies between a handler and the commit. Three tables, named with a validated prefix (default
 * {@code el_}): {@code projection_checkpoint}, {@code projection_dead_letter}, {@code projection_lease}, created
 * by {@link #createSchema()} from the versioned scripts in {@code dev/eventline/projections/{postgres,h2}}. Lease
 * expiry uses this JVM's clock: keep the clocks of instances sharing a database within a fraction of the lease
 * timeout.
 * <p>
 * Thread-safety: safe for concurrent use; each call borrows its own connection.
 * <pre>{@code
 * JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(dataSource);
 * checkpoints.createSchema();
 * }</pre>
 *
 * @since 0.1
 */
public final class JdbcCheckpointStore implements CheckpointStore {

    /** The same default prefix as the event tables, so Eventline's tables sort together. */
    public static final String DEFAULT_TABLE_PREFIX = "el_";
    /** The component name of these tables in the shared {@code schema_versions} table. */
    public static final String COMPONENT = "projections";
    private static final String MIGRATIONS = "dev/eventline/projections";
    /**
     * The checkpoint row {@code <projection>.tables} records, in its {@code generation} column, the generation of
     * a projection's live tables once a shadow rebuild switched it by generation (H2 with
     * {@link Builder#generationTables(boolean)}); no row means the tables have their base names. A row of its own,
     * so that the switch moves the checkpoint and the table names in one transaction without a schema change.
     */
    private static final String LIVE_TABLES_SUFFIX = ".tables";

    private final DataSource dataSource;
    private final InstantSource clock;
    private final String schema;
    private final String tablePrefix;
    private volatile Dialect dialect;
    private final String checkpointTable;
    private final String deadLetterTable;
    private final String leaseTable;
    private final boolean generationTables;

    private JdbcCheckpointStore(Builder builder) {
        this.dataSource = builder.dataSource;
        this.clock = builder.clock;
        this.schema = builder.schema;
        this.tablePrefix = builder.tablePrefix;
        this.dialect = builder.dialect;
        String qualifier = schema.isEmpty() ? "" : schema + ".";
        this.checkpointTable = qualifier + builder.tablePrefix + "projection_checkpoint";
        this.deadLetterTable = qualifier + builder.tablePrefix + "projection_dead_letter";
        this.leaseTable = qualifier + builder.tablePrefix + "projection_lease";
        this.generationTables = builder.generationTables;
    }

    /**
     * @param dataSource the database of the read models
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * @return the DDL that {@link #createSchema()} applies, for teams that manage schemas with Flyway or Liquibase
     */
    public String schemaSql() {
        return SchemaMigrator.schemaSql(dialect(), schema, tablePrefix, MIGRATIONS);
    }

    /**
     * Creates or upgrades the three tables through the shared {@link SchemaMigrator} (component
     * {@value #COMPONENT}); safe when several instances start at once. Idempotent.
     *
     * @return the migration versions applied by this call (empty when up to date)
     * @throws dev.eventline.core.StorageException when the database refuses
     */
    public List<Integer> createSchema() {
        return SchemaMigrator.migrate(dataSource, dialect(), schema, tablePrefix, COMPONENT, MIGRATIONS);
    }

    private Dialect dialect() {
        Dialect known = dialect;
        if (known == null) {
            known = Dialect.detect(dataSource);
            dialect = known;
        }
        return known;
    }

    /**
     * The physical names of a projection's live tables now, read in the caller's connection (and transaction, if
     * one is open). Call it once per query or unit of work and name every table of the projection through the
     * result, so that all of them come from one generation; see {@link LiveTables}. Only needed with
     * {@link Builder#generationTables(boolean)} on H2: otherwise the tables always have their base names, and the
     * result says so.
     *
     * @param connection the reader's connection; not closed
     * @param projection the projection's name
     * @return the live table names
     * @throws dev.eventline.core.StorageException when the database refuses
     */
    public LiveTables liveTables(Connection connection, String projection) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(projection, "projection");
        try {
            return new LiveTables(projection, liveTableGeneration(connection, projection));
        } catch (SQLException e) {
            throw Sql.translate("reading the live tables of projection '" + projection + "'", e);
        }
    }

    /**
     * {@link #liveTables(Connection, String)} on a connection of its own, for a reader that then queries on
     * another connection (the names stay valid until the switch after the next one).
     *
     * @param projection the projection's name
     * @return the live table names
     * @throws dev.eventline.core.StorageException when the database refuses
     */
    public LiveTables liveTables(String projection) {
        try (Connection connection = dataSource.getConnection()) {
            return liveTables(connection, projection);
        } catch (SQLException e) {
            throw Sql.translate("reading the live tables of projection '" + projection + "'", e);
        }
    }

    /** @return the generation of the projection's live tables, 0 when they have their base names */
    int liveTableGeneration(Connection connection, String projection) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT generation FROM " + checkpointTable + " WHERE projection = ?")) {
            select.setString(1, liveTablesRow(projection));
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        }
    }

    /** @return the checkpoint row recording the generation of a projection's live tables */
    static String liveTablesRow(String projection) {
        return projection + LIVE_TABLES_SUFFIX;
    }

    /** @return whether shadow rebuilds on H2 switch by table generation ({@link Builder#generationTables}) */
    boolean generationTables() {
        return generationTables;
    }

    /** @return true on H2, where DDL commits by itself */
    boolean isH2() {
        return dialect() instanceof H2Dialect;
    }

    @Override
    public boolean isTransactional() {
        return true;
    }

    @Override
    public LogPosition load(String projection) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT commit_id, log_position FROM " + checkpointTable + " WHERE projection = ?")) {
                select.setString(1, projection);
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        return new LogPosition(rows.getLong(1), rows.getLong(2));
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + checkpointTable
                + " (projection, commit_id, log_position, generation, updated_at) VALUES (?, 0, 0, 0, ?)")) {
                insert.setString(1, projection);
                insert.setObject(2, now());
                insert.executeUpdate();
            } catch (SQLException e) {
                if (!Sql.isUniqueViolation(e)) {
                    throw e;
                }
                return load(projection);
            }
            return LogPosition.START;
        } catch (SQLException e) {
            throw Sql.translate("loading the checkpoint of projection '" + projection + "'", e);
        }
    }

    @Override
    public int generation(String projection) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT generation FROM " + checkpointTable + " WHERE projection = ?")) {
            select.setString(1, projection);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw Sql.translate("loading the table generation of projection '" + projection + "'", e);
        }
    }

    @Override
    public <T> T inTransaction(Work<T> work) throws Exception {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw Sql.translate("opening a projection transaction", e);
        }
        try (connection) {
            try {
                connection.setAutoCommit(false);
            } catch (SQLException e) {
                throw Sql.translate("starting a projection transaction", e);
            }
            T result;
            try {
                result = work.run(new JdbcTransaction(connection));
            } catch (Exception | Error failure) {
                rollbackQuietly(connection, failure);
                throw failure;
            }
            try {
                connection.commit();
            } catch (SQLException e) {
                rollbackQuietly(connection, e);
                throw Sql.translate("committing a projection transaction", e);
            }
            return result;
        } catch (SQLException e) {
            throw Sql.translate("a projection transaction", e);
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable failure) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            // the connection is likely gone, which rolls the transaction back on the server anyway
            failure.addSuppressed(rollbackFailure);
        }
    }

    @Override
    public List<DeadLetter> deadLetters(String projection) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT id, event_id, stream_id, stream_version, commit_id, log_position, event_type, error_text, "
                + "parked_at FROM " + deadLetterTable + " WHERE projection = ? ORDER BY id")) {
            select.setString(1, projection);
            List<DeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    letters.add(new DeadLetter(rows.getLong(1), projection, rows.getObject(2, UUID.class),
                        rows.getString(3), rows.getLong(4), new LogPosition(rows.getLong(5), rows.getLong(6)),
                        rows.getString(7), rows.getString(8), rows.getObject(9, OffsetDateTime.class).toInstant()));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw Sql.translate("listing the dead letters of projection '" + projection + "'", e);
        }
    }

    @Override
    public long deadLetterCount(String projection) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT COUNT(*) FROM " + deadLetterTable + " WHERE projection = ?")) {
            select.setString(1, projection);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw Sql.translate("counting the dead letters of projection '" + projection + "'", e);
        }
    }

    @Override
    public boolean tryAcquireLease(String projection, String owner, boolean rebuilding, Duration timeout) {
        Instant now = clock.instant();
        OffsetDateTime expires = OffsetDateTime.ofInstant(now.plus(timeout), ZoneOffset.UTC);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + leaseTable
                + " SET owner_id = ?, rebuilding = ?, expires_at = ? WHERE projection = ? AND (owner_id = ? "
                + "OR expires_at < ?)")) {
                update.setString(1, owner);
                update.setBoolean(2, rebuilding);
                update.setObject(3, expires);
                update.setString(4, projection);
                update.setString(5, owner);
                update.setObject(6, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                if (update.executeUpdate() == 1) {
                    return true;
                }
            }
            // Only when no one holds the lease row: a standby polls here all the time, and a failing INSERT would
            // cost a server-side error (and a line in PostgreSQL's log) on every poll. Two instances inserting at
            // once still meet on the primary key: the loser gets a unique violation, below.
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + leaseTable
                + " (projection, owner_id, rebuilding, expires_at) SELECT ?, ?, ?, ? FROM (VALUES (1)) AS one (x)"
                + " WHERE NOT EXISTS (SELECT 1 FROM " + leaseTable + " WHERE projection = ?)")) {
                insert.setString(1, projection);
                insert.setString(2, owner);
                insert.setBoolean(3, rebuilding);
                insert.setObject(4, expires);
                insert.setString(5, projection);
                return insert.executeUpdate() == 1;
            } catch (SQLException e) {
                if (Sql.isUniqueViolation(e)) {
                    return false;
                }
                throw e;
            }
        } catch (SQLException e) {
            throw Sql.translate("taking the lease of projection '" + projection + "'", e);
        }
    }

    @Override
    public void releaseLease(String projection, String owner) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement delete = connection.prepareStatement(
            "DELETE FROM " + leaseTable + " WHERE projection = ? AND owner_id = ?")) {
            delete.setString(1, projection);
            delete.setString(2, owner);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw Sql.translate("releasing the lease of projection '" + projection + "'", e);
        }
    }

    @Override
    public Optional<Lease> lease(String projection) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT owner_id, rebuilding, expires_at FROM " + leaseTable + " WHERE projection = ?")) {
            select.setString(1, projection);
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Lease(projection, rows.getString(1), rows.getBoolean(2),
                    rows.getObject(3, OffsetDateTime.class).toInstant()));
            }
        } catch (SQLException e) {
            throw Sql.translate("reading the lease of projection '" + projection + "'", e);
        }
    }

    /**
     * Moves a checkpoint forward to {@code position} unless it is already there or past it, in the caller's
     * transaction; for {@link InlineProjections}. The update always matches the row, so it also locks it: the
     * inline handlers of one projection then run one transaction at a time, and a runner's compare-and-set waits.
     *
     * @return false when the projection has no checkpoint row (its schema was not set up)
     */
    boolean advanceInTransaction(Connection connection, String projection, LogPosition position) throws SQLException {
        String later = "(commit_id < ? OR (commit_id = ? AND log_position < ?))";
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + checkpointTable
            + " SET commit_id = CASE WHEN " + later + " THEN ? ELSE commit_id END, log_position = CASE WHEN "
            + later + " THEN ? ELSE log_position END, updated_at = ? WHERE projection = ?")) {
            int index = 1;
            for (int column = 0; column < 2; column++) {
                update.setLong(index++, position.commit());
                update.setLong(index++, position.commit());
                update.setLong(index++, position.position());
                update.setLong(index++, column == 0 ? position.commit() : position.position());
            }
            update.setObject(index++, now());
            update.setString(index, projection);
            return update.executeUpdate() == 1;
        }
    }

    /**
     * @return an unexpired lease on any of {@code projections}, read in the caller's transaction; for
     *     {@link InlineProjections}, which must not write a read model a runner is writing
     */
    Optional<Lease> liveLease(Connection connection, String... projections) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT projection, owner_id, rebuilding, expires_at FROM ")
            .append(leaseTable).append(" WHERE projection IN (");
        for (int i = 0; i < projections.length; i++) {
            sql.append(i == 0 ? "?" : ", ?");
        }
        try (PreparedStatement select = connection.prepareStatement(sql.append(')').toString())) {
            for (int i = 0; i < projections.length; i++) {
                select.setString(i + 1, projections[i]);
            }
            Instant now = clock.instant();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    Instant expires = rows.getObject(4, OffsetDateTime.class).toInstant();
                    if (expires.isAfter(now)) {
                        return Optional.of(new Lease(rows.getString(1), rows.getString(2), rows.getBoolean(3),
                            expires));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private OffsetDateTime now() {
        return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    /** The bookkeeping statements of one transaction, all on its connection. */
    private final class JdbcTransaction implements Transaction {
        private final Connection connection;

        JdbcTransaction(Connection connection) {
            this.connection = connection;
        }

        @Override
        public Connection connection() {
            return connection;
        }

        @Override
        public boolean compareAndSet(String projection, LogPosition expected, LogPosition next) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + checkpointTable
                + " SET commit_id = ?, log_position = ?, updated_at = ? WHERE projection = ? AND commit_id = ? "
                + "AND log_position = ?")) {
                update.setLong(1, next.commit());
                update.setLong(2, next.position());
                update.setObject(3, now());
                update.setString(4, projection);
                update.setLong(5, expected.commit());
                update.setLong(6, expected.position());
                return update.executeUpdate() == 1;
            } catch (SQLException e) {
                throw Sql.translate("moving the checkpoint of projection '" + projection + "' from " + expected
                    + " to " + next, e);
            }
        }

        @Override
        public void overwrite(String projection, LogPosition position, int generation) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE " + checkpointTable
                + " SET commit_id = ?, log_position = ?, generation = ?, updated_at = ? WHERE projection = ?")) {
                update.setLong(1, position.commit());
                update.setLong(2, position.position());
                update.setInt(3, generation);
                update.setObject(4, now());
                update.setString(5, projection);
                if (update.executeUpdate() == 1) {
                    return;
                }
            } catch (SQLException e) {
                throw Sql.translate("setting the checkpoint of projection '" + projection + "'", e);
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + checkpointTable
                + " (projection, commit_id, log_position, generation, updated_at) VALUES (?, ?, ?, ?, ?)")) {
                insert.setString(1, projection);
                insert.setLong(2, position.commit());
                insert.setLong(3, position.position());
                insert.setInt(4, generation);
                insert.setObject(5, now());
                insert.executeUpdate();
            } catch (SQLException e) {
                throw Sql.translate("creating the checkpoint of projection '" + projection + "'", e);
            }
        }

        @Override
        public void delete(String projection) {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM " + checkpointTable + " WHERE projection = ?")) {
                delete.setString(1, projection);
                delete.executeUpdate();
            } catch (SQLException e) {
                throw Sql.translate("deleting the checkpoint of projection '" + projection + "'", e);
            }
        }

        @Override
        public void park(DeadLetter letter) {
            String error = letter.error().length() > 4000 ? letter.error().substring(0, 3999) + "…" : letter.error();
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + deadLetterTable
                + " (projection, event_id, stream_id, stream_version, commit_id, log_position, event_type, "
                + "error_text, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, letter.projection());
                insert.setObject(2, letter.eventId());
                insert.setString(3, letter.streamId());
                insert.setLong(4, letter.version());
                insert.setLong(5, letter.position().commit());
                insert.setLong(6, letter.position().position());
                insert.setString(7, letter.type());
                insert.setString(8, error);
                insert.setObject(9, OffsetDateTime.ofInstant(letter.parkedAt(), ZoneOffset.UTC));
                insert.executeUpdate();
            } catch (SQLException e) {
                throw Sql.translate("parking event " + letter.eventId() + " of projection '"
                    + letter.projection() + "'", e);
            }
        }

        @Override
        public void removeDeadLetter(String projection, long id) {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM " + deadLetterTable + " WHERE projection = ? AND id = ?")) {
                delete.setString(1, projection);
                delete.setLong(2, id);
                delete.executeUpdate();
            } catch (SQLException e) {
                throw Sql.translate("removing dead letter " + id + " of projection '" + projection + "'", e);
            }
        }

        @Override
        public void deleteDeadLetters(String projection) {
            try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM " + deadLetterTable + " WHERE projection = ?")) {
                delete.setString(1, projection);
                delete.executeUpdate();
            } catch (SQLException e) {
                throw Sql.translate("deleting the dead letters of projection '" + projection + "'", e);
            }
        }

        @Override
        public void moveDeadLetters(String from, String to) {
            try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + deadLetterTable + " SET projection = ? WHERE projection = ?")) {
                update.setString(1, to);
                update.setString(2, from);
                update.executeUpdate();
            } catch (SQLException e) {
                throw Sql.translate("moving the dead letters of '" + from + "' to '" + to + "'", e);
            }
        }
    }

    /**
     * Configures a {@link JdbcCheckpointStore}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private String schema = "";
        private Dialect dialect;
        private InstantSource clock = InstantSource.system();
        private boolean generationTables;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * @param tablePrefix prepended to the three table names; {@code [a-z_][a-z0-9_]{0,40}} (default {@code el_})
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
            return this;
        }

        /**
         * @param schema the schema of the tables, or "" for the connection's current schema (default "")
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param dialect the database's dialect (default: detected from the database on first use)
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * @param clock the clock for lease expiry and timestamps (default: the system clock)
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Opts in to switching shadow rebuilds on H2 by table generation (default false; PostgreSQL is not
         * affected: there the rebuilt tables are renamed into place in the switch's transaction).
         * <p>
         * H2 commits each DDL statement by itself, and any {@code ADD COLUMN}, {@code DROP COLUMN}, type change or
         * rename makes the table briefly invisible to concurrent queries. By default a shadow rebuild on H2
         * therefore copies the rebuilt rows into the live tables in one transaction, which cannot add or retype a
         * column: such a rebuild falls back to renaming, and a query may not find a table for a moment. With
         * generation tables the rebuilt tables ({@code <table>__g<generation>}) become the live ones by one
         * checkpoint transaction, for every kind of column change, without copying; the tables they replace are
         * dropped by the next rebuild's switch.
         * <p>
         * The price: readers must resolve the table names with {@link JdbcCheckpointStore#liveTables} for each
         * query or unit of work (they keep their base names until the first such switch). Not for projections
         * also applied by {@link InlineProjections}, which writes the base names.
         *
         * @param enabled true to switch by generation on H2
         * @return this builder
         */
        public Builder generationTables(boolean enabled) {
            this.generationTables = enabled;
            return this;
        }

        /**
         * @return the store
         * @throws dev.eventline.core.ConfigurationException when the prefix is not a valid identifier prefix
         */
        public JdbcCheckpointStore build() {
            if (tablePrefix.length() > 40) {
                throw new dev.eventline.core.ConfigurationException("tablePrefix must be at most 40 characters "
                    + "(tablePrefix: '" + tablePrefix.substring(0, 40) + "…'). Choose a shorter prefix.");
            }
            Names.identifier(tablePrefix + "projection_checkpoint", "tablePrefix + table name");
            if (!schema.isEmpty()) {
                Names.identifier(schema, "schema");
            }
            return new JdbcCheckpointStore(this);
        }
    }

    @Override
    public String toString() {
        return "JdbcCheckpointStore[" + checkpointTable + "]";
    }
}
