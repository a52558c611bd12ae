package dev.eventline.jdbc;

import dev.eventline.core.AppendLimits;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.IdempotencyConflictException;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.internal.Pages;
import dev.eventline.jdbc.internal.ConnectionUrls;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.internal.Pools;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventStore} in a relational database (PostgreSQL or H2) reached through any {@link DataSource}.
 * <p>
 * Appends: one transaction per call. It locks the stream (PostgreSQL: an advisory lock, then the head row;
 * H2: the log head, then the head row), checks the expected version, takes positions, updates (or inserts) the head
 * row and inserts the events in one JDBC batch, then commits: four round trips on PostgreSQL whatever the size.
 * The database enforces optimistic concurrency (the locks, the head row and {@code UNIQUE(stream_id,
 * stream_version)}), so it holds across JVMs; a unique violation never escapes: it becomes a
 * {@link ConcurrencyConflictException}, or, when the batch's event ids are already stored as this batch, the
 * original {@link AppendResult} (retries are idempotent), or an {@link IdempotencyConflictException}.
 * Every other {@link SQLException} becomes a {@link dev.eventline.core.StorageException} saying whether a retry
 * can help.
 * <p>
 * Global order: see {@link PostgresDialect} (transaction-id horizon; cursor {@code (tx_id, position)}) and
 * {@link H2Dialect} (serialized appends). Either way, a reader that resumes {@link #readAll} after the last
 * {@link LogPosition} it saw never skips an event that committed late. Reads are keyset-paged
 * ({@link Builder#readBatchSize}): no read holds a connection, or more than one page, between pages.
 * <p>
 * The schema is created only when asked: {@link #createSchema()}, or apply {@link #schemaSql()} with your own
 * migration tool. Thread-safety: safe for concurrent use. Close it when it owns its pool (built from a URL).
 * <pre>{@code
 * try (JdbcEventStore store = JdbcEventStore.fromUrl("postgresql://app:secret@db:5432/bank")) {
 *     store.createSchema();
 *     store.append("account-42", ExpectedVersion.noStream(), List.of(EventData.of("AccountOpened", "{}")));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class JdbcEventStore implements EventStore, AutoCloseable {

    /** Default table prefix: short, and keeps Eventline's tables together in a listing. */
    public static final String DEFAULT_TABLE_PREFIX = "el_";
    /** Default page size of reads: large enough to amortize a round trip, small enough to bound memory. */
    public static final int DEFAULT_READ_BATCH_SIZE = 1000;
    /** Default horizon warning: appends take milliseconds, so a writer open for 30 s is almost surely stuck. */
    public static final Duration DEFAULT_HORIZON_WARNING = Duration.ofSeconds(30);
    /** The resources folder holding this component's migrations. */
    static final String MIGRATIONS = "dev/eventline/jdbc";
    /** The component name under which the event tables' versions are recorded. */
    public static final String COMPONENT = "events";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);

    private final DataSource dataSource;
    private final AutoCloseable ownedPool;
    private final Dialect dialect;
    private final String schema;
    private final String tablePrefix;
    private final StoreSql sql;
    private final InstantSource clock;
    private final HashChain hashChain;
    private final AppendLimits limits;
    private final int readBatchSize;
    private final Duration horizonWarning;
    private final boolean txOrder;
    private final EventRows rows;
    private final EventAppender appender;
    /** PostgreSQL only (null on H2): the transaction-id offset check after a restore into another cluster. */
    private final TransactionIdAlignment alignment;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JdbcEventStore(Builder builder, DataSource dataSource, AutoCloseable ownedPool, Dialect dialect) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.dialect = dialect;
        this.schema = builder.schema;
        this.tablePrefix = builder.tablePrefix;
        this.sql = StoreSql.of(dialect, schema, tablePrefix);
        this.clock = builder.clock;
        this.hashChain = builder.hashChain;
        this.limits = builder.limits;
        this.readBatchSize = builder.readBatchSize;
        this.horizonWarning = builder.horizonWarning;
        this.txOrder = dialect.usesTransactionIdOrder();
        this.rows = new EventRows(dataSource, txOrder, readBatchSize);
        this.appender = new EventAppender(dataSource, sql, rows, clock, hashChain, limits, txOrder, schema,
            tablePrefix, builder.appendHooks);
        this.alignment = txOrder ? new TransactionIdAlignment(dataSource, schema, tablePrefix) : null;
    }

    /**
     * @param dataSource where the events live; the store never closes it
     * @return a builder with the defaults
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"), null);
    }

    /**
     * A builder for a store that creates, owns and closes a HikariCP pool.
     *
     * @param url a {@code jdbc:postgresql:}, {@code jdbc:h2:} or {@code postgresql://user:password@host:port/db} URL
     * @param user the user, or null when the URL carries it
     * @param password the password, or null when the URL carries it
     * @return a builder with the defaults
     */
    public static Builder builder(String url, String user, String password) {
        ConnectionUrls.Target parsed = ConnectionUrls.parse(url);
        return new Builder(null, new ConnectionUrls.Target(parsed.jdbcUrl(),
            user != null ? user : parsed.user(), password != null ? password : parsed.password()));
    }

    /**
     * @param url a JDBC URL, or {@code postgresql://user:password@host:port/database}
     * @param user the user
     * @param password the password
     * @return a store owning a new HikariCP pool (close the store to close it); the schema is not created
     */
    public static JdbcEventStore fromUrl(String url, String user, String password) {
        return builder(url, user, password).build();
    }

    /**
     * @param url {@code postgresql://user:password@host:port/database}, or a JDBC URL carrying its credentials
     * @return a store owning a new HikariCP pool (close the store to close it); the schema is not created
     */
    public static JdbcEventStore fromUrl(String url) {
        return builder(url, null, null).build();
    }

    /**
     * Creates or upgrades the store's tables; safe to call on every start, from several instances at once.
     * <p>
     * On PostgreSQL it then checks that the cluster's next transaction ids lie above the stored ones, as every
     * store instance also does once before its first append or read of the log (after a dump restored into
     * another cluster they do not, and the store raises its transaction-id offset; see the README,
     * "Backup and restore").
     *
     * @return the schema versions this call applied (empty when up to date)
     */
    public List<Integer> createSchema() {
        List<Integer> applied = SchemaMigrator.migrate(dataSource, dialect, schema, tablePrefix, COMPONENT,
            MIGRATIONS);
        if (alignment != null) {
            alignment.align();
        }
        return applied;
    }

    /** @return the DDL {@link #createSchema()} applies, for Flyway or Liquibase users */
    public String schemaSql() {
        return SchemaMigrator.schemaSql(dialect, schema, tablePrefix, MIGRATIONS);
    }

    /**
     * @param dialect the database
     * @param schema the schema, or "" for the connection's current one
     * @param tablePrefix the table prefix
     * @return the DDL of the event tables, without building a store
     */
    public static String schemaSql(Dialect dialect, String schema, String tablePrefix) {
        return SchemaMigrator.schemaSql(dialect, schema, tablePrefix, MIGRATIONS);
    }

    /** @return the dialect this store speaks */
    public Dialect dialect() {
        return dialect;
    }

    // ---------------------------------------------------------------------------------------------- appends

    @Override
    public AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        ensureAligned();
        return appender.append(streamId, expected, events);
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    public Stream<RecordedEvent> readStream(String streamId, ReadDirection direction, long fromVersion,
                                            long maxCount) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(direction, "direction");
        if (maxCount < 0) {
            throw new IllegalArgumentException("maxCount must be >= 0 (maxCount: " + maxCount + ")");
        }
        if (maxCount == 0) {
            return Stream.empty();
        }
        String action = "Reading stream '" + streamId + "'";
        // the limit goes into the pages (the last query asks only for what is missing), not a Stream.limit stage
        if (direction == ReadDirection.FORWARDS) {
            return Pages.stream(Math.max(fromVersion, 1), readBatchSize, maxCount, (from, size) ->
                query(action, sql.readStreamForwards(), (connection, statement) -> {
                    statement.setString(1, streamId);
                    statement.setLong(2, from);
                    statement.setInt(3, size);
                }), event -> event.version() + 1);
        }
        return Pages.stream(fromVersion, readBatchSize, maxCount, (from, size) -> from < 1 ? List.<RecordedEvent>of()
            : query(action, sql.readStreamBackwards(), (connection, statement) -> {
                statement.setString(1, streamId);
                statement.setLong(2, from);
                statement.setInt(3, size);
            }), event -> event.version() - 1);
    }

    @Override
    public List<RecordedEvent> readAll(LogPosition after, int maxCount) {
        Objects.requireNonNull(after, "after");
        if (maxCount < 1) {
            throw new IllegalArgumentException("maxCount must be >= 1 (maxCount: " + maxCount + ")");
        }
        ensureAligned();
        return query("Reading the log after " + after, sql.readAll(), (connection, statement) -> {
            int index = bindCursor(statement, after);
            statement.setInt(index, maxCount);
        });
    }

    @Override
    public Stream<RecordedEvent> readAll(LogPosition after) {
        Objects.requireNonNull(after, "after");
        return Pages.stream(after, readBatchSize, this::readAll, RecordedEvent::position);
    }

    @Override
    public Stream<RecordedEvent> readStreamBetween(String streamId, Instant fromInclusive, Instant toExclusive) {
        Objects.requireNonNull(streamId, "streamId");
        OffsetDateTime from = utc(Objects.requireNonNull(fromInclusive, "fromInclusive"));
        OffsetDateTime to = utc(Objects.requireNonNull(toExclusive, "toExclusive"));
        String action = "Reading stream '" + streamId + "' between " + fromInclusive + " and " + toExclusive;
        return Pages.stream(0L, readBatchSize, (afterVersion, size) ->
            query(action, sql.readStreamBetween(), (connection, statement) -> {
                statement.setString(1, streamId);
                statement.setLong(2, afterVersion);
                statement.setObject(3, from);
                statement.setObject(4, to);
                statement.setInt(5, size);
            }), RecordedEvent::version);
    }

    @Override
    public Stream<RecordedEvent> readAllBetween(Instant fromInclusive, Instant toExclusive) {
        OffsetDateTime from = utc(Objects.requireNonNull(fromInclusive, "fromInclusive"));
        OffsetDateTime to = utc(Objects.requireNonNull(toExclusive, "toExclusive"));
        String action = "Reading the log between " + fromInclusive + " and " + toExclusive;
        ensureAligned();
        return Pages.stream(LogPosition.START, readBatchSize, (after, size) ->
            query(action, sql.readAllBetween(), (connection, statement) -> {
                int index = bindCursor(statement, after);
                statement.setObject(index, from);
                statement.setObject(index + 1, to);
                statement.setInt(index + 2, size);
            }), RecordedEvent::position);
    }

    private int bindCursor(PreparedStatement statement, LogPosition after) throws SQLException {
        if (txOrder) {
            statement.setLong(1, after.commit());
            statement.setLong(2, after.position());
            return 3;
        }
        statement.setLong(1, after.position());
        return 2;
    }

    @Override
    public long streamVersion(String streamId) {
        Objects.requireNonNull(streamId, "streamId");
        return appender.streamVersion(streamId);
    }

    @Override
    public LogPosition headPosition() {
        ensureAligned();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.headPosition());
             ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return LogPosition.START;
            }
            return txOrder ? new LogPosition(row.getLong(1), row.getLong(2)) : LogPosition.of(row.getLong(1));
        } catch (SQLException e) {
            throw SqlErrors.translate("Reading the head of the log", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- integrity

    /**
     * {@inheritDoc}
     * <p>
     * Like every hash chain, this cannot see the stream's newest events deleted; keep the
     * {@link AppendResult#lastChecksum()} of your appends and use {@link #verify(String, long, String)} for that.
     */
    @Override
    public IntegrityReport verify(String streamId) {
        return verify(streamId, 0, null);
    }

    @Override
    public IntegrityReport verify(String streamId, long expectedVersion, String expectedChecksum) {
        Objects.requireNonNull(streamId, "streamId");
        try (Stream<RecordedEvent> events = readStream(streamId)) {
            return hashChain.verify(streamId, events.iterator(), expectedVersion, expectedChecksum);
        }
    }

    @Override
    public IntegrityReport verifyAll() {
        long checked = 0;
        String after = "";
        while (true) {
            List<String> streamIds = streamIds(after);
            for (String streamId : streamIds) {
                IntegrityReport report = verify(streamId);
                checked += report.eventsChecked();
                if (!report.valid()) {
                    return IntegrityReport.broken(checked, report.violation());
                }
            }
            if (streamIds.size() < readBatchSize) {
                return IntegrityReport.intact(checked);
            }
            after = streamIds.get(streamIds.size() - 1);
        }
    }

    private List<String> streamIds(String after) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.streamIds())) {
            statement.setString(1, after);
            statement.setInt(2, readBatchSize);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw SqlErrors.translate("Listing streams", e);
        }
    }

    // ---------------------------------------------------------------------------------------------- health

    /**
     * Names the oldest open transaction holding back {@link #readAll} (PostgreSQL), and logs a warning when it has
     * been open longer than {@link Builder#horizonWarning}.
     * <p>
     * Needs to see other sessions' transactions: grant the role {@code pg_read_all_stats} (or connect as the
     * owner of those sessions), otherwise holders of other roles are not listed.
     *
     * @return the horizon's holder and age; on H2 always zero
     */
    public HorizonStatus horizonStatus() {
        if (!(dialect instanceof PostgresDialect)) {
            return new HorizonStatus(Duration.ZERO, "", 0, horizonWarning);
        }
        return HorizonProbe.check(dataSource, horizonWarning);
    }

    // ---------------------------------------------------------------------------------------------- plumbing

    /** The log's reads and appends compare transaction ids: check them once against the cluster's (PostgreSQL). */
    private void ensureAligned() {
        if (alignment != null) {
            alignment.ensureAligned();
        }
    }

    private List<RecordedEvent> query(String action, String statementSql, EventRows.Binder binder) {
        return rows.query(action, statementSql, binder);
    }

    private static OffsetDateTime utc(Instant instant) {
        return EventRows.utc(instant);
    }



    /** Closes the pool the store created from a URL; a user-given {@link DataSource} is left alone. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                throw new ConfigurationException("Closing the connection pool failed (" + e.getMessage() + ").", e);
            }
        }
    }

    @Override
    public String toString() {
        return "JdbcEventStore[" + dialect + ", tables " + (schema.isEmpty() ? "" : schema + ".") + tablePrefix
            + "*]";
    }

    /**
     * Configures a {@link JdbcEventStore}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private final ConnectionUrls.Target url;
        private Dialect dialect;
        private String schema = "";
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private InstantSource clock = InstantSource.system();
        private HashChain hashChain = HashChain.sha256();
        private AppendLimits limits = AppendLimits.defaults();
        private int readBatchSize = DEFAULT_READ_BATCH_SIZE;
        private Duration horizonWarning = DEFAULT_HORIZON_WARNING;
        private final List<AppendHook> appendHooks = new ArrayList<>();

        private Builder(DataSource dataSource, ConnectionUrls.Target url) {
            this.dataSource = dataSource;
            this.url = url;
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
         * @param schema the schema holding the tables, {@code [a-z_][a-z0-9_]{0,62}} (default: "", the
         *     connection's current schema)
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param tablePrefix the prefix of every table name, {@code [a-z_][a-z0-9_]{0,62}} (default {@code "el_"})
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
            return this;
        }

        /**
         * @param clock the source of recording times (default: the system clock)
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param hashChain how checksums are computed (default: plain SHA-256)
         * @return this builder
         */
        public Builder hashChain(HashChain hashChain) {
            this.hashChain = Objects.requireNonNull(hashChain, "hashChain");
            return this;
        }

        /**
         * @param limits the input limits (default: {@link AppendLimits#defaults()})
         * @return this builder
         */
        public Builder limits(AppendLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * @param readBatchSize the most rows one read query fetches, 1 to 100,000 (default 1000)
         * @return this builder
         */
        public Builder readBatchSize(int readBatchSize) {
            this.readBatchSize = readBatchSize;
            return this;
        }

        /**
         * @param horizonWarning how long a transaction may hold the log back before {@link #horizonStatus()}
         *     warns (default 30 s)
         * @return this builder
         */
        public Builder horizonWarning(Duration horizonWarning) {
            this.horizonWarning = Objects.requireNonNull(horizonWarning, "horizonWarning");
            return this;
        }

        /**
         * Adds work to run inside every append's transaction, after its events are inserted and before the commit
         * (an inline read model, a deduplication row); see {@link AppendHook}. Hooks run in the order added.
         *
         * @param hook the hook
         * @return this builder
         */
        public Builder appendHook(AppendHook hook) {
            appendHooks.add(Objects.requireNonNull(hook, "hook"));
            return this;
        }

        /**
         * Validates the settings; detects the dialect when none was given (this opens one connection), and creates
         * the pool when the store was configured from a URL.
         *
         * @return the store
         * @throws ConfigurationException when a setting is invalid
         */
        public JdbcEventStore build() {
            Identifiers.check("schema", schema, true);
            Identifiers.checkPrefix(tablePrefix);
            if (readBatchSize < 1 || readBatchSize > 100_000) {
                throw new ConfigurationException("Invalid read batch size (readBatchSize: " + readBatchSize
                    + "). Use 1 to 100000; the default is " + DEFAULT_READ_BATCH_SIZE + ".");
            }
            if (horizonWarning.isNegative()) {
                throw new ConfigurationException("Invalid horizon warning threshold (horizonWarning: "
                    + horizonWarning + "). Use a positive duration.");
            }
            if (dataSource != null) {
                return new JdbcEventStore(this, dataSource, null,
                    dialect != null ? dialect : Dialect.detect(dataSource));
            }
            var pool = Pools.create(url, "eventline-" + tablePrefix + "pool");
            try {
                return new JdbcEventStore(this, pool, pool, dialect != null ? dialect : Dialect.detect(pool));
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }
    }
}
