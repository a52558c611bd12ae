package dev.eventline.jdbc;

import dev.eventline.core.AppendLimits;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.internal.AppendValidation;
import dev.eventline.core.internal.RetriedAppends;
import dev.eventline.jdbc.internal.EventRowInserts;
import dev.eventline.jdbc.internal.MetadataJson;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The append path of {@link JdbcEventStore}: one short transaction per call, conflicts turned into the core's
 * exceptions or into the original result of a retried batch.
 */
final class EventAppender {

    /** An ANY append racing another stream creation retries this often before giving up with a conflict. */
    private static final int MAX_APPEND_ATTEMPTS = 3;

    private final DataSource dataSource;
    private final StoreSql sql;
    private final EventRows rows;
    private final InstantSource clock;
    private final HashChain hashChain;
    private final AppendLimits limits;
    private final boolean txOrder;
    private final String tablePrefix;
    private final int lockNamespace;
    private final List<AppendHook> hooks;

    EventAppender(DataSource dataSource, StoreSql sql, EventRows rows, InstantSource clock, HashChain hashChain,
                  AppendLimits limits, boolean txOrder, String schema, String tablePrefix, List<AppendHook> hooks) {
        this.dataSource = dataSource;
        this.sql = sql;
        this.rows = rows;
        this.clock = clock;
        this.hashChain = hashChain;
        this.limits = limits;
        this.txOrder = txOrder;
        this.tablePrefix = tablePrefix;
        this.lockNamespace = ("eventline:" + schema + "." + tablePrefix).hashCode();
        this.hooks = List.copyOf(hooks);
    }

    AppendResult append(String streamId, ExpectedVersion expected, List<EventData> events) {
        AppendValidation.check(streamId, expected, events, limits);
        if (events.isEmpty()) {
            long current = streamVersion(streamId);
            if (!expected.isSatisfiedBy(current)) {
                throw new ConcurrencyConflictException(streamId, expected, current, 0);
            }
            return new AppendResult(streamId, current, current, List.of());
        }
        for (int attempt = 1; ; attempt++) {
            Attempt outcome = tryAppend(streamId, expected, events);
            if (outcome.result() != null) {
                return outcome.result();
            }
            // After any conflict, the batch may be a retry of one that committed: probe by event ids.
            AppendResult retried = findRetriedAppend(streamId, events);
            if (retried != null) {
                return retried;
            }
            long actual = outcome.actualVersion() >= 0 ? outcome.actualVersion() : streamVersion(streamId);
            // A unique violation with a satisfiable expectation is a lost race on creating the stream's head row.
            if (outcome.actualVersion() < 0 && expected.isSatisfiedBy(actual) && attempt < MAX_APPEND_ATTEMPTS) {
                continue;
            }
            throw new ConcurrencyConflictException(streamId, expected, actual, events.size());
        }
    }

    /** The result, or the stream's version when the expectation failed ({@code -1}: a unique key refused it). */
    private record Attempt(AppendResult result, long actualVersion) {
    }

    private Attempt tryAppend(String streamId, ExpectedVersion expected, List<EventData> events) {
        int count = events.size();
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            if (autoCommit) {
                connection.setAutoCommit(false);
            }
            Exception failure = null;
            try {
                Head head = txOrder ? lockAndAllocate(connection, streamId, count)
                    : lockSerialized(connection, streamId, count);
                long current = head.version();
                if (!expected.isSatisfiedBy(current)) {
                    connection.rollback();
                    return new Attempt(null, current);
                }
                long[] positions = head.positions();
                long txId = head.txId();
                String previousChecksum = head.lastChecksum();
                List<RecordedEvent> recorded = record(streamId, current, previousChecksum, events, txId, positions);
                String lastChecksum = recorded.get(count - 1).checksum();
                boolean written = txOrder ? writePostgres(connection, streamId, current, lastChecksum, recorded)
                    : writeH2(connection, streamId, current, lastChecksum, recorded);
                if (!written) {
                    connection.rollback();
                    return new Attempt(null, -1);
                }
                AppendResult result = new AppendResult(streamId, current, current + count, recorded);
                runHooks(connection, result);
                connection.commit();
                return new Attempt(result, 0);
            } catch (SQLException | RuntimeException e) {
                failure = e;
                EventRows.rollback(connection, e);
                throw e;
            } finally {
                // Not every pool resets auto-commit; a connection left in manual mode would hold a snapshot open.
                if (autoCommit) {
                    restoreAutoCommit(connection, failure);
                }
            }
        } catch (SQLException e) {
            if (SqlErrors.isUniqueViolation(e)) {
                return new Attempt(null, -1);
            }
            throw SqlErrors.translate("Appending " + count + " events to stream '" + streamId + "'", e);
        }
    }

    /**
     * Runs the append hooks in the open transaction. Their SQL errors are translated here, so that a unique
     * violation of a hook's own table is never taken for a lost race on the stream.
     */
    private void runHooks(Connection connection, AppendResult result) {
        for (AppendHook hook : hooks) {
            try {
                hook.onAppend(connection, result);
            } catch (SQLException e) {
                throw SqlErrors.translate("An append hook (" + hook + ") on an append to stream '"
                    + result.streamId() + "'", e);
            }
        }
    }

    /** A stream's head as locked by an append, with the positions (and transaction id) it will use. */
    private record Head(long version, String lastChecksum, long txId, long[] positions) {
    }

    /**
     * PostgreSQL: one round trip takes the stream's advisory lock, then reads the head row and takes the
     * transaction id and the positions; see {@link PostgresDialect#LOCK_AND_ALLOCATE} for why in that order. One
     * event (the common single append) has a statement of its own that the server need not plan every time.
     */
    private Head lockAndAllocate(Connection connection, String streamId, int count) throws SQLException {
        long version = 0;
        String lastChecksum = "";
        long txId = 0;
        long[] positions = new long[count];
        boolean one = count == 1;
        try (PreparedStatement statement = connection.prepareStatement(one ? sql.allocateOne() : sql.allocate())) {
            int p = 1;
            statement.setInt(p++, lockNamespace);
            statement.setInt(p++, streamId.hashCode());
            if (!one) {
                statement.setInt(p++, count);
            }
            statement.setString(p, streamId);
            statement.execute();
            if (!statement.getMoreResults()) {
                throw new IllegalStateException("the append's lock-and-allocate statement returned no rows");
            }
            try (ResultSet rows = statement.getResultSet()) {
                int i = 0;
                while (rows.next()) {
                    String checksum = rows.getString(2);
                    if (checksum != null) {
                        version = rows.getLong(1);
                        lastChecksum = checksum;
                    }
                    txId = rows.getLong(3);
                    positions[i++] = rows.getLong(4);
                }
            }
        }
        // Positions only order events within one transaction; sorting makes them follow the versions.
        Arrays.sort(positions);
        return new Head(version, lastChecksum, txId, positions);
    }

    /**
     * H2: the log-head update comes first in every append; its row lock serializes appends until commit, so
     * positions are handed out in commit order. Then the stream's head row.
     */
    private Head lockSerialized(Connection connection, String streamId, int count) throws SQLException {
        long[] positions = new long[count];
        try (PreparedStatement allocate = connection.prepareStatement(sql.allocate())) {
            allocate.setLong(1, count);
            try (ResultSet row = allocate.executeQuery()) {
                if (!row.next()) {
                    throw new ConfigurationException("The log head row of table " + tablePrefix + "log_head is "
                        + "missing. Run createSchema() (it restores the row).");
                }
                long last = row.getLong(1);
                for (int i = 0; i < count; i++) {
                    positions[i] = last - count + 1 + i;
                }
            }
        }
        try (PreparedStatement lock = connection.prepareStatement(sql.lockStream())) {
            lock.setString(1, streamId);
            try (ResultSet row = lock.executeQuery()) {
                if (row.next()) {
                    return new Head(row.getLong(1), row.getString(2), 0, positions);
                }
            }
        }
        return new Head(0, "", 0, positions);
    }

    private List<RecordedEvent> record(String streamId, long current, String previousChecksum,
                                       List<EventData> events, long txId, long[] positions) {
        Instant now = HashChain.truncate(clock.instant());
        List<RecordedEvent> recorded = new ArrayList<>(events.size());
        String previous = previousChecksum;
        for (int i = 0; i < events.size(); i++) {
            EventData event = events.get(i);
            long version = current + i + 1;
            String checksum = hashChain.link(previous, event.eventId(), streamId, version, now, event.type(),
                event.schemaVersion(), event.payload(), event.metadata());
            LogPosition position = txOrder ? new LogPosition(txId, positions[i]) : LogPosition.of(positions[i]);
            recorded.add(new RecordedEvent(event.eventId(), streamId, version, position, now, event.type(),
                event.schemaVersion(), event.payload(), event.metadata(), checksum));
            previous = checksum;
        }
        return recorded;
    }

    /**
     * PostgreSQL: the head row and every event row in one statement (one round trip, whatever the batch size); one
     * event goes in a statement of plain parameters, a batch in one over arrays.
     *
     * @return false when the head row had moved (no row was written)
     */
    private boolean writePostgres(Connection connection, String streamId, long current, String lastChecksum,
                                  List<RecordedEvent> recorded) throws SQLException {
        int count = recorded.size();
        boolean one = count == 1;
        boolean newStream = current == 0;
        String statementSql = newStream
            ? (one ? sql.writeNewStreamOne() : sql.writeNewStream())
            : (one ? sql.writeNextVersionOne() : sql.writeNextVersions());
        try (PreparedStatement write = connection.prepareStatement(statementSql)) {
            int p = 1;
            if (newStream) {
                write.setString(p++, streamId);
                write.setLong(p++, count);
                write.setString(p++, lastChecksum);
            } else {
                write.setLong(p++, current + count);
                write.setString(p++, lastChecksum);
                write.setString(p++, streamId);
                write.setLong(p++, current);
            }
            OffsetDateTime recordedAt = OffsetDateTime.ofInstant(recorded.get(0).recordedAt(), ZoneOffset.UTC);
            if (one) {
                RecordedEvent event = recorded.get(0);
                write.setLong(p++, event.globalPosition());
                write.setLong(p++, event.position().commit());
                write.setLong(p++, event.version());
                write.setObject(p++, event.eventId());
                write.setString(p++, event.type());
                write.setInt(p++, event.schemaVersion());
                write.setObject(p++, recordedAt);
                write.setBytes(p++, event.payload());
                write.setString(p++, MetadataJson.encode(event.metadata()));
                write.setString(p, event.checksum());
            } else {
                bindRows(connection, write, p, current, recordedAt, recorded);
            }
            return write.executeUpdate() == count;
        }
    }

    /** Binds the parameters of {@code PostgresDialect.INSERT_ROWS} from {@code first} on: one array per column. */
    private static void bindRows(Connection connection, PreparedStatement write, int first, long current,
                                 OffsetDateTime recordedAt, List<RecordedEvent> recorded) throws SQLException {
        int count = recorded.size();
        long[] positions = new long[count];
        UUID[] ids = new UUID[count];
        String[] types = new String[count];
        int[] schemaVersions = new int[count];
        byte[][] payloads = new byte[count][];
        String[] metadata = new String[count];
        String[] checksums = new String[count];
        for (int i = 0; i < count; i++) {
            RecordedEvent event = recorded.get(i);
            positions[i] = event.globalPosition();
            ids[i] = event.eventId();
            types[i] = event.type();
            schemaVersions[i] = event.schemaVersion();
            payloads[i] = event.payload();
            metadata[i] = MetadataJson.encode(event.metadata());
            checksums[i] = event.checksum();
        }
        int p = first;
        write.setLong(p++, recorded.get(0).position().commit());
        write.setLong(p++, current);
        write.setObject(p++, recordedAt);
        write.setObject(p++, positions);
        write.setArray(p++, connection.createArrayOf("uuid", ids));
        write.setObject(p++, types);
        write.setObject(p++, schemaVersions);
        write.setObject(p++, payloads);
        write.setObject(p++, metadata);
        write.setObject(p, checksums);
    }

    /**
     * H2: the head row, then the event rows in one batch.
     *
     * @return false when the head row had moved (no row was written)
     */
    private boolean writeH2(Connection connection, String streamId, long current, String lastChecksum,
                            List<RecordedEvent> recorded) throws SQLException {
        int count = recorded.size();
        if (current == 0) {
            try (PreparedStatement insert = connection.prepareStatement(sql.insertStream())) {
                insert.setString(1, streamId);
                insert.setLong(2, count);
                insert.setString(3, lastChecksum);
                insert.executeUpdate();
            }
        } else {
            try (PreparedStatement update = connection.prepareStatement(sql.updateStream())) {
                update.setLong(1, current + count);
                update.setString(2, lastChecksum);
                update.setString(3, streamId);
                update.setLong(4, current);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
        }
        insertEvents(connection, recorded);
        return true;
    }

    private void insertEvents(Connection connection, List<RecordedEvent> recorded) throws SQLException {
        EventRowInserts.insert(connection, sql.insertEvent(), recorded, (insert, event) -> {
            insert.setLong(1, event.globalPosition());
            insert.setLong(2, event.position().commit());
        });
    }

    /** Returns the original result when this batch was stored before, or fails when it partly was. */
    private AppendResult findRetriedAppend(String streamId, List<EventData> events) {
        UUID[] ids = events.stream().map(EventData::eventId).toArray(UUID[]::new);
        List<RecordedEvent> found = rows.query("Looking up event ids of an append to stream '" + streamId + "'",
            sql.findByIds(), (connection, statement) -> {
                Array array = connection.createArrayOf("uuid", ids);
                statement.setArray(1, array);
            });
        if (found.isEmpty()) {
            return null;
        }
        Map<UUID, RecordedEvent> byId = new HashMap<>();
        for (RecordedEvent event : found) {
            byId.put(event.eventId(), event);
        }
        return RetriedAppends.match(streamId, events, byId, "");
    }

    private static void restoreAutoCommit(Connection connection, Exception failure) throws SQLException {
        try {
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    long streamVersion(String streamId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql.streamVersion())) {
            statement.setString(1, streamId);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? row.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("Reading the version of stream '" + streamId + "'", e);
        }
    }
}
