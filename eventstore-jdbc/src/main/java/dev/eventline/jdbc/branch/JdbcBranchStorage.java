package dev.eventline.jdbc.branch;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.branch.BranchAlreadyExistsException;
import dev.eventline.core.branch.BranchInUseException;
import dev.eventline.core.branch.BranchNotFoundException;
import dev.eventline.core.branch.BranchRecord;
import dev.eventline.core.branch.BranchStorage;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.SchemaMigrator;
import dev.eventline.jdbc.internal.EventRowInserts;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.internal.MetadataJson;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * <b>Experimental.</b> A {@link BranchStorage} in the database of a {@link dev.eventline.jdbc.JdbcEventStore}
 * (PostgreSQL or H2): the registry in {@code <prefix>branches}, stream heads in {@code <prefix>branch_streams}
 * and each branch's own events in {@code <prefix>branch_events}. Durable: branches survive restarts.
 * <p>
 * Use the same data source, schema and table prefix as the event store. The main store's tables are never
 * written, so its reads, head and {@code verifyAll} are unchanged by branches. A branch's appends are serialized
 * by a lock on its registry row (taken first, held until commit), which also hands out its position numbers in
 * commit order; appends to different branches, and to the main store, do not wait for each other. Every read is
 * a keyset-paged query on a primary or unique key ({@code (branch_id, position_number)},
 * {@code (branch_id, stream_id, stream_version)}, {@code (branch_id, event_id)}).
 * <p>
 * Thread-safety: safe for concurrent use; it holds no connection between calls.
 * <pre>{@code
 * JdbcBranchStorage storage = JdbcBranchStorage.builder(dataSource).build();
 * storage.createSchema();
 * Branches branches = Branches.builder(store).storage(storage).build();
 * }</pre>
 *
 * @since 0.1
 */
public final class JdbcBranchStorage implements BranchStorage {

    /** The component name under which the branch tables' versions are recorded. */
    public static final String COMPONENT = "branches";
    /** The class-path folder of the branch tables' migrations. */
    static final String MIGRATIONS = "dev/eventline/jdbc/branch";
    /** SQLState of a foreign-key violation, the same on PostgreSQL and H2. */
    private static final String FOREIGN_KEY_VIOLATION = "23503";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String schema;
    private final String tablePrefix;
    private final BranchSql sql;

    private JdbcBranchStorage(Builder builder, Dialect dialect) {
        this.dataSource = builder.dataSource;
        this.dialect = dialect;
        this.schema = builder.schema;
        this.tablePrefix = builder.tablePrefix;
        this.sql = BranchSql.of(dialect, schema, tablePrefix);
    }

    /**
     * @param dataSource the event store's data source; never closed by the storage
     * @return a builder with the event store's defaults (dialect detected, current schema, prefix {@code el_})
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Creates or upgrades the branch tables; safe to call on every start, from several instances at once.
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

    /**
     * Finds the main store's {@link LogPosition} of a global position number, for APIs that take a bare number
     * (such as an HTTP {@code from_position}): on PostgreSQL a log position also carries the writing transaction.
     *
     * @param globalPosition an event's global position in the main store
     * @return its log position, empty when no main event has that number
     */
    public Optional<LogPosition> mainPositionOf(long globalPosition) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.mainPosition())) {
            statement.setLong(1, globalPosition);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(dialect.usesTransactionIdOrder() ? new LogPosition(row.getLong(1), globalPosition)
                    : LogPosition.of(globalPosition));
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("Finding global position " + globalPosition + " in the main store", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- registry

    @Override
    public void create(BranchRecord branch) {
        Objects.requireNonNull(branch, "branch");
        try (Connection connection = dataSource.getConnection()) {
            long firstNumber = branch.forkPosition().position();
            if (sql.sequenceValue() != null) {
                try (PreparedStatement statement = connection.prepareStatement(sql.sequenceValue());
                     ResultSet row = statement.executeQuery()) {
                    if (row.next()) {
                        firstNumber = Math.max(firstNumber, row.getLong(1));
                    }
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(sql.insertBranch())) {
                insert.setString(1, branch.id());
                insert.setString(2, branch.name());
                insert.setString(3, branch.isTopLevel() ? null : branch.parentId());
                insert.setLong(4, branch.forkPosition().commit());
                insert.setLong(5, branch.forkPosition().position());
                insert.setObject(6, OffsetDateTime.ofInstant(branch.createdAt(), ZoneOffset.UTC));
                insert.setLong(7, firstNumber);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                throw new BranchAlreadyExistsException(branch.name());
            }
            if (FOREIGN_KEY_VIOLATION.equals(SqlErrors.sqlState(e))) {
                throw new BranchNotFoundException(branch.parentId());
            }
            throw SqlErrors.translate("Creating branch '" + branch.name() + "'", e);
        }
    }

    @Override
    public Optional<BranchRecord> find(String name) {
        Objects.requireNonNull(name, "name");
        List<BranchRecord> found = branches("Finding branch '" + name + "'", sql.findByName(), name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public Optional<BranchRecord> findById(String id) {
        Objects.requireNonNull(id, "id");
        List<BranchRecord> found = branches("Finding branch " + id, sql.findById(), id);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    @Override
    public List<BranchRecord> list() {
        return branches("Listing branches", sql.list(), null);
    }

    private List<BranchRecord> branches(String action, String statementSql, String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(statementSql)) {
            if (key != null) {
                statement.setString(1, key);
            }
            List<BranchRecord> records = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    String parent = rows.getString(3);
                    records.add(new BranchRecord(rows.getString(1), rows.getString(2), parent == null ? "" : parent,
                        new LogPosition(rows.getLong(4), rows.getLong(5)),
                        rows.getObject(6, OffsetDateTime.class).toInstant()));
                }
            }
            return records;
        } catch (SQLException e) {
            throw SqlErrors.translate(action, e);
        }
    }

    @Override
    public long ownEventCount(BranchRecord branch) {
        long[] counters = counters(branch);
        return counters == null ? 0 : counters[1];
    }

    @Override
    public long lastNumber(BranchRecord branch) {
        long[] counters = counters(branch);
        return counters == null || counters[1] == 0 ? 0 : counters[0];
    }

    private long[] counters(BranchRecord branch) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.counters())) {
            statement.setString(1, branch.id());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new long[] {row.getLong(1), row.getLong(2)} : null;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("Reading the counters of branch '" + branch.name() + "'", e);
        }
    }

    @Override
    public void delete(BranchRecord branch) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                if (!exists(connection, sql.lockBranch(), branch.id())) {
                    connection.rollback();
                    throw new BranchNotFoundException(branch.name());
                }
                if (exists(connection, sql.hasChildren(), branch.id())) {
                    connection.rollback();
                    throw new BranchInUseException(branch.name());
                }
                for (String statementSql : List.of(sql.deleteEvents(), sql.deleteStreams(), sql.deleteBranch())) {
                    try (PreparedStatement delete = connection.prepareStatement(statementSql)) {
                        delete.setString(1, branch.id());
                        delete.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            if (FOREIGN_KEY_VIOLATION.equals(SqlErrors.sqlState(e))) {
                throw new BranchInUseException(branch.name());
            }
            throw SqlErrors.translate("Deleting branch '" + branch.name() + "'", e);
        }
    }

    private static boolean exists(Connection connection, String statementSql, String key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                return row.next();
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- appends

    @Override
    public Optional<StreamHead> head(BranchRecord branch, String streamId) {
        try (Connection connection = dataSource.getConnection()) {
            return Optional.ofNullable(head(connection, sql.head(), branch, streamId));
        } catch (SQLException e) {
            throw SqlErrors.translate("Reading the head of stream '" + streamId + "' in branch '" + branch.name()
                + "'", e);
        }
    }

    private static StreamHead head(Connection connection, String statementSql, BranchRecord branch, String streamId)
        throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(statementSql)) {
            statement.setString(1, branch.id());
            statement.setString(2, streamId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? new StreamHead(row.getLong(1), row.getLong(2), row.getString(3)) : null;
            }
        }
    }

    @Override
    public AppendResult append(BranchRecord branch, String streamId, ExpectedVersion expected, int count,
                               StreamHead base, EventRecorder recorder) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long last = allocate(connection, branch, count);
                StreamHead stored = head(connection, sql.lockHead(), branch, streamId);
                StreamHead head = stored != null ? stored : base;
                if (!expected.isSatisfiedBy(head.version())) {
                    connection.rollback();
                    throw new ConcurrencyConflictException(streamId, expected, head.version(), count);
                }
                long[] numbers = new long[count];
                for (int i = 0; i < count; i++) {
                    numbers[i] = last - count + 1 + i;
                }
                List<RecordedEvent> recorded = recorder.record(head.version(), head.lastChecksum(), numbers);
                RecordedEvent newest = recorded.get(recorded.size() - 1);
                writeHead(connection, branch, streamId, stored, head, newest);
                insertEvents(connection, branch, recorded);
                connection.commit();
                return new AppendResult(streamId, head.version(), newest.version(), recorded);
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            }
        } catch (SQLException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                return null;
            }
            throw SqlErrors.translate("Appending " + count + " events to stream '" + streamId + "' in branch '"
                + branch.name() + "'", e);
        }
    }

    /** Locks the branch's row (serializing its appends) and takes {@code count} numbers; returns the last. */
    private long allocate(Connection connection, BranchRecord branch, int count) throws SQLException {
        try (PreparedStatement allocate = connection.prepareStatement(sql.allocate())) {
            allocate.setLong(1, count);
            allocate.setLong(2, count);
            allocate.setString(3, branch.id());
            try (ResultSet row = allocate.executeQuery()) {
                if (!row.next()) {
                    connection.rollback();
                    throw new BranchNotFoundException(branch.name());
                }
                return row.getLong(1);
            }
        }
    }

    private void writeHead(Connection connection, BranchRecord branch, String streamId, StreamHead stored,
                           StreamHead head, RecordedEvent newest) throws SQLException {
        if (stored == null) {
            try (PreparedStatement insert = connection.prepareStatement(sql.insertHead())) {
                insert.setString(1, branch.id());
                insert.setString(2, streamId);
                insert.setLong(3, head.baseVersion());
                insert.setLong(4, newest.version());
                insert.setString(5, newest.checksum());
                insert.executeUpdate();
            }
            return;
        }
        try (PreparedStatement update = connection.prepareStatement(sql.updateHead())) {
            update.setLong(1, newest.version());
            update.setString(2, newest.checksum());
            update.setString(3, branch.id());
            update.setString(4, streamId);
            update.setLong(5, stored.version());
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the head of stream '" + streamId + "' in branch '" + branch.name()
                    + "' moved while its branch was locked");
            }
        }
    }

    private void insertEvents(Connection connection, BranchRecord branch, List<RecordedEvent> recorded)
        throws SQLException {
        EventRowInserts.insert(connection, sql.insertEvent(), recorded, (insert, event) -> {
            insert.setString(1, branch.id());
            insert.setLong(2, event.position().position());
        });
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public List<RecordedEvent> findByIds(BranchRecord branch, Collection<UUID> eventIds) {
        UUID[] ids = eventIds.toArray(UUID[]::new);
        return query(branch, "Looking up event ids in branch '" + branch.name() + "'", sql.findByIds(),
            (connection, statement) -> {
                statement.setString(1, branch.id());
                statement.setArray(2, connection.createArrayOf("uuid", ids));
            });
    }

    @Override
    public List<RecordedEvent> readStream(BranchRecord branch, String streamId, ReadDirection direction,
                                          long fromVersion, int maxCount) {
        return query(branch, "Reading stream '" + streamId + "' of branch '" + branch.name() + "'",
            direction == ReadDirection.FORWARDS ? sql.readForwards() : sql.readBackwards(),
            (connection, statement) -> {
                statement.setString(1, branch.id());
                statement.setString(2, streamId);
                statement.setLong(3, fromVersion);
                statement.setInt(4, maxCount);
            });
    }

    @Override
    public List<RecordedEvent> readAll(BranchRecord branch, long afterNumber, int maxCount) {
        return query(branch, "Reading the log of branch '" + branch.name() + "'", sql.readAll(),
            (connection, statement) -> {
                statement.setString(1, branch.id());
                statement.setLong(2, afterNumber);
                statement.setInt(3, maxCount);
            });
    }

    @Override
    public List<String> streamIds(BranchRecord branch, String after, int maxCount) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.streamIds())) {
            statement.setString(1, branch.id());
            statement.setString(2, after);
            statement.setInt(3, maxCount);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw SqlErrors.translate("Listing the streams of branch '" + branch.name() + "'", e);
        }
    }

    /** Binds a statement's parameters; the connection is there to create arrays. */
    @FunctionalInterface
    private interface Binder {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    private List<RecordedEvent> query(BranchRecord branch, String action, String statementSql, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(statementSql)) {
            binder.bind(connection, statement);
            List<RecordedEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(new RecordedEvent(rows.getObject(4, UUID.class), rows.getString(2), rows.getLong(3),
                        branch.positionOf(rows.getLong(1)), rows.getObject(7, OffsetDateTime.class).toInstant(),
                        rows.getString(5), rows.getInt(6), rows.getBytes(8), MetadataJson.decode(rows.getString(9)),
                        rows.getString(10)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw SqlErrors.translate(action, e);
        }
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "JdbcBranchStorage[" + dialect + ", tables " + (schema.isEmpty() ? "" : schema + ".") + tablePrefix
            + "branch*]";
    }

    /**
     * Configures a {@link JdbcBranchStorage}: use the same settings as the event store's.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private Dialect dialect;
        private String schema = "";
        private String tablePrefix = dev.eventline.jdbc.JdbcEventStore.DEFAULT_TABLE_PREFIX;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * @param dialect the database's dialect (default: detected from the connection's metadata at build)
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * @param schema the event store's schema, {@code [a-z_][a-z0-9_]{0,62}} (default: "", the connection's
         *     current schema)
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param tablePrefix the event store's table prefix (default {@code "el_"})
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
            return this;
        }

        /**
         * @return the storage; the schema is not created ({@link #createSchema()})
         * @throws ConfigurationException when a name is invalid or the database is unsupported
         */
        public JdbcBranchStorage build() {
            Identifiers.check("schema", schema, true);
            Identifiers.checkPrefix(tablePrefix);
            return new JdbcBranchStorage(this, dialect != null ? dialect : Dialect.detect(dataSource));
        }
    }
}
