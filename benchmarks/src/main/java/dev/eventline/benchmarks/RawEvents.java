package dev.eventline.benchmarks;

import dev.eventline.core.EventData;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

/**
 * The ceiling: plain JDBC doing what the store does, on a table with the same columns, types and indexes as the
 * store's events table, with nothing of Eventline around it (no validation, no hash chain, no retry logic).
 * <p>
 * Inserts are one transaction per batch through {@code addBatch}/{@code executeBatch} (PostgreSQL rewrites them
 * into multi-row inserts with {@code reWriteBatchedInserts=true}) or PostgreSQL's {@code COPY}; reads are a plain
 * select with a fetch size, decoded with Jackson and folded into the account state.
 * Thread-safety: stateless; each call uses the connection it is given.
 */
final class RawEvents {

    /** Rows fetched per round trip on reads; the store streams with a fetch size too. */
    static final int FETCH_SIZE = 1_000;

    private static final String COLUMNS =
        "event_id, stream_id, stream_version, event_type, schema_version, payload, metadata, recorded_at, checksum";
    private static final byte[] EMPTY_METADATA = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final String CHECKSUM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    final String table;

    RawEvents(String table) {
        this.table = table;
    }

    /** Creates the ceiling table with the columns and indexes of the store's events table. */
    void create(Database db) {
        if (db.isPostgres()) {
            db.execute("CREATE TABLE " + table + " ("
                    + "position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "tx_id XID8 NOT NULL DEFAULT pg_current_xact_id(), "
                    + "event_id UUID NOT NULL, stream_id TEXT NOT NULL, stream_version BIGINT NOT NULL, "
                    + "event_type TEXT NOT NULL, schema_version INT NOT NULL, payload BYTEA NOT NULL, "
                    + "metadata BYTEA, recorded_at TIMESTAMPTZ NOT NULL, checksum TEXT NOT NULL, "
                    + "CONSTRAINT " + table + "_stream UNIQUE (stream_id, stream_version), "
                    + "CONSTRAINT " + table + "_id UNIQUE (event_id))",
                "CREATE INDEX " + table + "_tx ON " + table + " (tx_id, position)",
                "CREATE INDEX " + table + "_time ON " + table + " (recorded_at)");
        } else {
            db.execute("CREATE TABLE " + table + " ("
                    + "position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "event_id UUID NOT NULL, stream_id VARCHAR(200) NOT NULL, stream_version BIGINT NOT NULL, "
                    + "event_type VARCHAR(200) NOT NULL, schema_version INT NOT NULL, "
                    + "payload VARBINARY(1048576) NOT NULL, metadata VARBINARY(1048576), "
                    + "recorded_at TIMESTAMP WITH TIME ZONE NOT NULL, checksum VARCHAR(64) NOT NULL, "
                    + "CONSTRAINT " + table + "_stream UNIQUE (stream_id, stream_version), "
                    + "CONSTRAINT " + table + "_id UNIQUE (event_id))",
                "CREATE INDEX " + table + "_time ON " + table + " (recorded_at)");
        }
    }

    /** Inserts {@code events} as versions {@code firstVersion…} of a stream in one transaction. */
    void insertBatch(Connection c, String streamId, long firstVersion, List<EventData> events) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            long version = firstVersion;
            for (EventData event : events) {
                ps.setObject(1, event.eventId());
                ps.setString(2, streamId);
                ps.setLong(3, version++);
                ps.setString(4, event.type());
                ps.setInt(5, event.schemaVersion());
                ps.setBytes(6, event.payload());
                ps.setBytes(7, EMPTY_METADATA);
                ps.setObject(8, now);
                ps.setString(9, CHECKSUM);
                ps.addBatch();
            }
            ps.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Inserts one event in its own auto-committed statement: the single-append ceiling. */
    void insertOne(Connection c, String streamId, long version, EventData event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (" + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, event.eventId());
            ps.setString(2, streamId);
            ps.setLong(3, version);
            ps.setString(4, event.type());
            ps.setInt(5, event.schemaVersion());
            ps.setBytes(6, event.payload());
            ps.setBytes(7, EMPTY_METADATA);
            ps.setObject(8, OffsetDateTime.now(ZoneOffset.UTC));
            ps.setString(9, CHECKSUM);
            ps.executeUpdate();
        }
    }

    /** Loads the same rows with PostgreSQL's COPY in one transaction: the fastest way in. */
    void copy(Connection c, String streamId, long firstVersion, List<EventData> events)
        throws SQLException, IOException {
        HexFormat hex = HexFormat.of();
        String now = OffsetDateTime.now(ZoneOffset.UTC).toString();
        String metadata = "\\x" + hex.formatHex(EMPTY_METADATA);
        StringBuilder csv = new StringBuilder(events.size() * 512);
        long version = firstVersion;
        for (EventData event : events) {
            // stream ids and type names of the benchmark need no CSV quoting
            csv.append(event.eventId()).append(',').append(streamId).append(',').append(version++).append(',')
                .append(event.type()).append(',').append(event.schemaVersion()).append(",\\x");
            hex.formatHex(csv, event.payload());
            csv.append(',').append(metadata).append(',').append(now).append(',').append(CHECKSUM).append('\n');
        }
        c.setAutoCommit(false);
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + COLUMNS
                + ") FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
            c.commit();
        } catch (SQLException | IOException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Selects one stream in version order, decodes every payload and folds it: the replay ceiling. */
    BankEvents.Account replay(Connection c, String streamId) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT position, " + COLUMNS + " FROM " + table
            + " WHERE stream_id = ? ORDER BY stream_version")) {
            ps.setFetchSize(FETCH_SIZE);
            ps.setString(1, streamId);
            BankEvents.Account state = BankEvents.Account.EMPTY;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    readRow(rs);
                    state = BankEvents.evolve(state, BankEvents.decode(rs.getString(5), rs.getBytes(7)));
                }
            }
            c.commit();
            return state;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Reads up to {@code limit} rows after {@code position} in log order; returns the last position read. */
    long readPage(Connection c, long position, int limit, long[] checksum) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement("SELECT position, " + COLUMNS + " FROM " + table
            + " WHERE position > ? ORDER BY position LIMIT ?")) {
            ps.setFetchSize(FETCH_SIZE);
            ps.setLong(1, position);
            ps.setInt(2, limit);
            long last = position;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    last = rs.getLong(1);
                    checksum[0] += readRow(rs);
                }
            }
            c.commit();
            return last;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Reads every column of a row the way a store builds its recorded event; returns a value to consume. */
    private static long readRow(ResultSet rs) throws SQLException {
        long position = rs.getLong(1);
        UUID id = rs.getObject(2, UUID.class);
        String stream = rs.getString(3);
        long version = rs.getLong(4);
        String type = rs.getString(5);
        int schemaVersion = rs.getInt(6);
        byte[] payload = rs.getBytes(7);
        byte[] metadata = rs.getBytes(8);
        OffsetDateTime at = rs.getObject(9, OffsetDateTime.class);
        String checksum = rs.getString(10);
        return position + id.getLeastSignificantBits() + stream.length() + version + type.length() + schemaVersion
            + payload.length + (metadata == null ? 0 : metadata.length) + at.getNano() + checksum.length();
    }
}
