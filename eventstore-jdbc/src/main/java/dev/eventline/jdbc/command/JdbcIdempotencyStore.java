package dev.eventline.jdbc.command;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.command.CommandResult;
import dev.eventline.core.command.IdempotencyKey;
import dev.eventline.core.command.IdempotencyStore;
import dev.eventline.jdbc.AppendHook;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.SchemaMigrator;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * A durable {@link IdempotencyStore}: one row per tenant and command id in the {@code <prefix>command_dedup} table,
 * shared by every process using the database, surviving restarts.
 * <p>
 * A claim is an insert guarded by the primary key, so exactly one process wins it; the others see the claim in
 * progress (the middleware answers {@link dev.eventline.core.command.CommandInFlightException}) or, once it is
 * completed, the stored result. A failed command's claim is deleted so the client can retry with the same id.
 * <p>
 * <b>Register {@link #appendHook()} on the {@link JdbcEventStore}</b> (same database): it completes the claim in
 * the transaction that appends the command's events, so the events and "this command is done" commit together.
 * Without it the result is recorded only after the handler returns, in its own statement: if the process dies
 * between the append and that record, the claim stays in progress, and after {@code claimTimeout} (default
 * {@value #DEFAULT_CLAIM_TIMEOUT_SECONDS} s) another process takes it over and runs the command again, which can
 * apply a command that is not naturally idempotent twice. With the hook, that retry gets the appended result
 * instead, and a command whose handler failed after its append committed also stays done (its events are
 * stored; running it again would double them). Completed rows are kept until {@link #deleteCompletedBefore(Instant)}
 * removes them; schedule it with the retention you need.
 * <p>
 * The table is created by {@link #createSchema()} through the JDBC module's {@link SchemaMigrator} (component
 * {@value #COMPONENT}), or by applying {@link #schemaSql()} with your own tool. Every value is a bound parameter;
 * the schema and prefix are validated identifiers. Thread-safety: safe for concurrent use.
 * <pre>{@code
 * var dedup = JdbcIdempotencyStore.builder(dataSource).build();
 * dedup.createSchema();
 * var store = JdbcEventStore.builder(dataSource).appendHook(dedup.appendHook()).build();
 * CommandBus.builder().middleware(IdempotencyMiddleware.of(dedup))...
 * }</pre>
 *
 * @since 0.1
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {

    /** The component name under which the dedup table's schema versions are recorded. */
    public static final String COMPONENT = "command_dedup";
    /** Default claim timeout, in seconds: far longer than a command takes, short enough to unblock a client. */
    public static final long DEFAULT_CLAIM_TIMEOUT_SECONDS = 60;

    static final String MIGRATIONS = "dev/eventline/jdbc/command";

    static final String INSERT_CLAIM = """
        INSERT INTO ${schema}${prefix}command_dedup (tenant, command_id, fingerprint, claimed_at)
        VALUES (?, ?, ?, ?)""";
    static final String SELECT = """
        SELECT fingerprint, claimed_at, result_json FROM ${schema}${prefix}command_dedup
        WHERE tenant = ? AND command_id = ?""";
    static final String TAKE_OVER = """
        UPDATE ${schema}${prefix}command_dedup SET fingerprint = ?, claimed_at = ?
        WHERE tenant = ? AND command_id = ? AND result_json IS NULL AND claimed_at = ?""";
    /** Overwrites a result the {@link #appendHook()} recorded: the handler's own result is the one to return. */
    static final String COMPLETE = """
        UPDATE ${schema}${prefix}command_dedup SET result_json = ?, completed_at = ?
        WHERE tenant = ? AND command_id = ? AND fingerprint = ?""";
    /** The first append of a claimed command completes it; a later append of the same command keeps that. */
    static final String COMPLETE_IN_APPEND = """
        UPDATE ${schema}${prefix}command_dedup SET result_json = ?, completed_at = ?
        WHERE tenant = ? AND command_id = ? AND result_json IS NULL""";
    static final String RELEASE = """
        DELETE FROM ${schema}${prefix}command_dedup WHERE tenant = ? AND command_id = ? AND result_json IS NULL""";
    static final String PURGE = """
        DELETE FROM ${schema}${prefix}command_dedup WHERE completed_at < ?""";

    private final DataSource dataSource;
    private final Dialect dialect;
    private final String schema;
    private final String tablePrefix;
    private final Duration claimTimeout;
    private final InstantSource clock;
    private final String insertClaim;
    private final String select;
    private final String takeOver;
    private final String complete;
    private final String completeInAppend;
    private final String release;
    private final String purge;

    private JdbcIdempotencyStore(Builder builder, Dialect dialect) {
        this.dataSource = builder.dataSource;
        this.dialect = dialect;
        this.schema = builder.schema;
        this.tablePrefix = builder.tablePrefix;
        this.claimTimeout = builder.claimTimeout;
        this.clock = builder.clock;
        this.insertClaim = Identifiers.render(INSERT_CLAIM, schema, tablePrefix);
        this.select = Identifiers.render(SELECT, schema, tablePrefix);
        this.takeOver = Identifiers.render(TAKE_OVER, schema, tablePrefix);
        this.complete = Identifiers.render(COMPLETE, schema, tablePrefix);
        this.completeInAppend = Identifiers.render(COMPLETE_IN_APPEND, schema, tablePrefix);
        this.release = Identifiers.render(RELEASE, schema, tablePrefix);
        this.purge = Identifiers.render(PURGE, schema, tablePrefix);
    }

    /**
     * @param dataSource the database (usually the event store's); the store never closes it
     * @return a builder with the defaults: detected dialect, current schema, prefix {@code el_}
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * Creates or upgrades the dedup table; safe to call on every start, from several instances at once.
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
    public Claim claim(IdempotencyKey key, String fingerprint) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(fingerprint, "fingerprint");
        var now = now();
        try (Connection connection = dataSource.getConnection()) {
            // Bounded: each round either inserts, reads a row, or loses a race that changed the row.
            for (int attempt = 0; attempt < 3; attempt++) {
                if (tryInsert(connection, key, fingerprint, now)) {
                    return new Claim.Acquired();
                }
                try (PreparedStatement statement = connection.prepareStatement(select)) {
                    statement.setString(1, key.tenant());
                    statement.setString(2, key.commandId());
                    try (ResultSet row = statement.executeQuery()) {
                        if (!row.next()) {
                            continue;
                        }
                        var storedFingerprint = row.getString(1);
                        var claimedAt = row.getObject(2, OffsetDateTime.class);
                        var result = row.getString(3);
                        if (result != null) {
                            return new Claim.Completed(storedFingerprint, CommandResultJson.read(result));
                        }
                        if (claimedAt.toInstant().plus(claimTimeout).isAfter(now)
                            || !storedFingerprint.equals(fingerprint)) {
                            return new Claim.InProgress(storedFingerprint);
                        }
                        if (takeOver(connection, key, fingerprint, now, claimedAt)) {
                            return new Claim.Acquired();
                        }
                    }
                }
            }
            return new Claim.InProgress(fingerprint);
        } catch (SQLException e) {
            throw SqlErrors.translate("Claiming command id '" + key.commandId() + "' in the dedup table", e);
        }
    }

    private boolean tryInsert(Connection connection, IdempotencyKey key, String fingerprint, Instant now)
        throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertClaim)) {
            statement.setString(1, key.tenant());
            statement.setString(2, key.commandId());
            statement.setString(3, fingerprint);
            statement.setObject(4, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            statement.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                return false;
            }
            throw e;
        }
    }

    private boolean takeOver(Connection connection, IdempotencyKey key, String fingerprint, Instant now,
                             OffsetDateTime previousClaim) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(takeOver)) {
            statement.setString(1, fingerprint);
            statement.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            statement.setString(3, key.tenant());
            statement.setString(4, key.commandId());
            statement.setObject(5, previousClaim);
            return statement.executeUpdate() == 1;
        }
    }

    @Override
    public void complete(IdempotencyKey key, String fingerprint, CommandResult result) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(result, "result");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(complete)) {
            statement.setString(1, CommandResultJson.write(result));
            statement.setObject(2, OffsetDateTime.ofInstant(now(), ZoneOffset.UTC));
            statement.setString(3, key.tenant());
            statement.setString(4, key.commandId());
            statement.setString(5, fingerprint);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("Recording the result of command id '" + key.commandId()
                + "' in the dedup table", e);
        }
    }

    /**
     * The {@link AppendHook} that marks a claimed command done in the transaction that appends its events:
     * register it with {@link JdbcEventStore.Builder#appendHook} on the event store of the same database.
     * <p>
     * It reads the command from the appended events' metadata, as the
     * {@link dev.eventline.core.command.CommandBus} stamps it: the command id is the
     * {@link EventMetadata#causationId()} and the tenant is {@link EventMetadata#tenant()}. When that key has a
     * claim in progress, the claim is completed with {@link CommandResult#from} the append (what handlers built
     * on an aggregate repository return); a later {@link #complete} overwrites it with the handler's own result.
     * A command's first append completes it, so a command should append once (to one stream, as
     * {@link CommandResult} describes). Appends that no claimed command caused cost one update by primary key
     * that matches nothing; appends without a causation id cost nothing. Appends to branches run no hook.
     *
     * @return the hook (stateless; one per store is enough)
     */
    public AppendHook appendHook() {
        return new AppendHook() {
            @Override
            public void onAppend(Connection connection, AppendResult appended) throws SQLException {
                completeInAppend(connection, appended);
            }

            @Override
            public String toString() {
                return "command completion of " + JdbcIdempotencyStore.this;
            }
        };
    }

    private void completeInAppend(Connection connection, AppendResult appended) throws SQLException {
        if (appended.events().isEmpty()) {
            return;
        }
        EventMetadata metadata = appended.events().get(0).metadata();
        String commandId = metadata.causationId();
        if (commandId == null || commandId.isBlank() || commandId.length() > IdempotencyKey.MAX_COMMAND_ID_LENGTH) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(completeInAppend)) {
            statement.setString(1, CommandResultJson.write(CommandResult.from(appended)));
            statement.setObject(2, OffsetDateTime.ofInstant(now(), ZoneOffset.UTC));
            statement.setString(3, metadata.tenant() == null ? "" : metadata.tenant());
            statement.setString(4, commandId);
            statement.executeUpdate();
        }
    }

    @Override
    public void release(IdempotencyKey key) {
        Objects.requireNonNull(key, "key");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(release)) {
            statement.setString(1, key.tenant());
            statement.setString(2, key.commandId());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("Releasing command id '" + key.commandId() + "' in the dedup table", e);
        }
    }

    /**
     * Forgets completed commands: after this a repeat of their ids runs again. Claims in progress are kept.
     *
     * @param instant completed before this instant are deleted
     * @return how many rows were deleted
     */
    public int deleteCompletedBefore(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(purge)) {
            statement.setObject(1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw SqlErrors.translate("Deleting completed commands from the dedup table", e);
        }
    }

    /** Both databases keep microseconds; truncating here makes the take-over's compare-and-set exact. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public String toString() {
        return "JdbcIdempotencyStore[table=" + schema + (schema.isEmpty() ? "" : ".") + tablePrefix
            + "command_dedup, claimTimeout=" + claimTimeout + "]";
    }

    /**
     * Configures the table location, the claim timeout and the clock.
     * <p>
     * Thread-safety: not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final DataSource dataSource;
        private Dialect dialect;
        private String schema = "";
        private String tablePrefix = JdbcEventStore.DEFAULT_TABLE_PREFIX;
        private Duration claimTimeout = Duration.ofSeconds(DEFAULT_CLAIM_TIMEOUT_SECONDS);
        private InstantSource clock = InstantSource.system();

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        /**
         * @param dialect the database. Default: detected from the data source
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * @param schema the schema holding the table, {@code [a-z_][a-z0-9_]{0,62}}, or "" for the connection's
         *     current one. Default ""
         * @return this builder
         */
        public Builder schema(String schema) {
            this.schema = Objects.requireNonNull(schema, "schema");
            return this;
        }

        /**
         * @param tablePrefix the table prefix, {@code [a-z_][a-z0-9_]{0,62}}. Default {@code el_} (the event
         *     store's)
         * @return this builder
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
            return this;
        }

        /**
         * @param claimTimeout how long a claim in progress blocks other processes before one may take it over,
         *     positive. Default {@value JdbcIdempotencyStore#DEFAULT_CLAIM_TIMEOUT_SECONDS} s
         * @return this builder
         */
        public Builder claimTimeout(Duration claimTimeout) {
            Objects.requireNonNull(claimTimeout, "claimTimeout");
            if (claimTimeout.isZero() || claimTimeout.isNegative()) {
                throw new IllegalArgumentException("claimTimeout must be positive (claimTimeout: " + claimTimeout
                    + ")");
            }
            this.claimTimeout = claimTimeout;
            return this;
        }

        /**
         * @param clock the time source of claims and completions. Default: the system clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @return the store (its table is not created: call {@link JdbcIdempotencyStore#createSchema()})
         * @throws dev.eventline.core.ConfigurationException when the schema or prefix is not a valid identifier
         */
        public JdbcIdempotencyStore build() {
            Identifiers.check("schema", schema, true);
            Identifiers.checkPrefix(tablePrefix);
            return new JdbcIdempotencyStore(this, dialect != null ? dialect : Dialect.detect(dataSource));
        }
    }
}
