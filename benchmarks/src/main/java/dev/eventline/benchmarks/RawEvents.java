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
import java.util.concurrent.atomic.AtomicLong;
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
        "stream_id, stream_version, event_id, event_type, schema_version, recorded_at, payload, metadata, checksum";
    private static final String CHECKSUM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    final String table;
    private final AtomicLong nextPosition = new AtomicLong();
    private boolean postgres;
    /** The transaction id of the last row {@link #readPage} returned (PostgreSQL's log order). */
    private long lastTxId;

    RawEvents(String table) {
        this.table = table;
    }

    /**
     * Creates the ceiling table: a copy of the store's {@code events} table as its migrations leave it
     * (eventstore-jdbc's {@code postgres/V1__events.sql} + {@code V2__cheaper_appends.sql}, and
     * {@code h2/V1__events.sql}) with the same columns, types, keys and indexes, under another name.
     */
    void create(Database db) {
        String t = table;
        if (db.isPostgres()) {
            db.execute("CREATE SEQUENCE " + t + "_position_seq AS bigint",
                "CREATE TABLE " + t + " (global_position bigint NOT NULL, tx_id bigint NOT NULL, "
                    + "stream_id text NOT NULL, stream_version bigint NOT NULL, event_id uuid NOT NULL, "
                    + "event_type text NOT NULL, schema_version integer NOT NULL, "
                    + "recorded_at timestamp(6) with time zone NOT NULL, payload bytea NOT NULL, metadata text, "
                    + "checksum text NOT NULL, CONSTRAINT " + t + "_pk PRIMARY KEY (tx_id, global_position), "
                    + "CONSTRAINT " + t + "_stream_version_uk UNIQUE (stream_id, stream_version), "
                    + "CONSTRAINT " + t + "_event_id_uk UNIQUE (event_id))",
                "CREATE INDEX " + t + "_recorded_at_brin ON " + t + " USING brin (recorded_at)",
                "CREATE INDEX " + t + "_position_brin ON " + t + " USING brin (global_position)",
                // only COPY relies on these defaults; the inserts name both values like the store does
                "ALTER TABLE " + t + " ALTER COLUMN global_position SET DEFAULT nextval('" + t + "_position_seq')",
                "ALTER TABLE " + t + " ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id()::text::bigint");
        } else {
            db.execute("CREATE TABLE " + t + " (global_position BIGINT NOT NULL, tx_id BIGINT NOT NULL, "
                    + "stream_id CHARACTER VARYING NOT NULL, stream_version BIGINT NOT NULL, event_id UUID NOT NULL, "
                    + "event_type CHARACTER VARYING NOT NULL, schema_version INTEGER NOT NULL, "
                    + "recorded_at TIMESTAMP(6) WITH TIME ZONE NOT NULL, payload BINARY VARYING NOT NULL, "
                    + "metadata CHARACTER VARYING, checksum CHARACTER VARYING NOT NULL, "
                    + "CONSTRAINT " + t + "_pk PRIMARY KEY (global_position), "
                    + "CONSTRAINT " + t + "_stream_version_uk UNIQUE (stream_id, stream_version), "
                    + "CONSTRAINT " + t + "_event_id_uk UNIQUE (event_id))",
                "CREATE INDEX " + t + "_recorded_at_idx ON " + t + " (recorded_at)");
        }
        postgres = db.isPostgres();
    }

    /**
     * The insert: on PostgreSQL the position comes from the sequence and the transaction id from the server in
     * the same statement (no extra round trip); on H2, whose appends are serialized, from a counter here.
     */
    private String insertSql() {
        return postgres
            ? "INSERT INTO " + table + " (global_position, tx_id, " + COLUMNS + ") VALUES (nextval('" + table
                + "_position_seq'), pg_current_xact_id()::text::bigint, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            : "INSERT INTO " + table + " (global_position, tx_id, " + COLUMNS
                + ") VALUES (?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    private int bind(PreparedStatement ps, String streamId, long version, EventData event, OffsetDateTime now)
        throws SQLException {
        int i = 1;
        if (!postgres) {
            ps.setLong(i++, nextPosition.incrementAndGet());
        }
        ps.setString(i++, streamId);
        ps.setLong(i++, version);
        ps.setObject(i++, event.eventId());
        ps.setString(i++, event.type());
        ps.setInt(i++, event.schemaVersion());
        ps.setObject(i++, now);
        ps.setBytes(i++, event.payload());
        ps.setString(i++, null);
        ps.setString(i, CHECKSUM);
        return i;
    }

    /** Inserts {@code events} as versions {@code firstVersion…} of a stream in one transaction. */
    void insertBatch(Connection c, String streamId, long firstVersion, List<EventData> events) throws SQLException {
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(insertSql())) {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            long version = firstVersion;
            for (EventData event : events) {
                bind(ps, streamId, version++, event, now);
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
        try (PreparedStatement ps = c.prepareStatement(insertSql())) {
            bind(ps, streamId, version, event, OffsetDateTime.now(ZoneOffset.UTC));
            ps.executeUpdate();
        }
    }

    /** Loads the same rows with PostgreSQL's COPY in one transaction: the fastest way in. */
    void copy(Connection c, String streamId, long firstVersion, List<EventData> events)
        throws SQLException, IOException {
        HexFormat hex = HexFormat.of();
        String now = OffsetDateTime.now(ZoneOffset.UTC).toString();
        StringBuilder csv = new StringBuilder(events.size() * 512);
        long version = firstVersion;
        for (EventData event : events) {
            // stream ids and type names of the benchmark need no CSV quoting
            csv.append(streamId).append(',').append(version++).append(',').append(event.eventId()).append(',')
                .append(event.type()).append(',').append(event.schemaVersion()).append(',').append(now)
                .append(",\\x");
            hex.formatHex(csv, event.payload());
            // an empty unquoted CSV field is NULL: the metadata of these events is empty, as the store writes it
            csv.append(",,").append(CHECKSUM).append('\n');
        }
        c.setAutoCommit(false);
        try {
            // positions and the transaction id come from the column defaults set in create()
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
        try (PreparedStatement ps = c.prepareStatement("SELECT global_position, " + COLUMNS + " FROM " + table
            + " WHERE stream_id = ? ORDER BY stream_version")) {
            ps.setFetchSize(FETCH_SIZE);
            ps.setString(1, streamId);
            BankEvents.Account state = BankEvents.Account.EMPTY;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getLong(1);
                    rs.getString(2);
                    rs.getLong(3);
                    rs.getObject(4, UUID.class);
                    String type = rs.getString(5);
                    rs.getInt(6);
                    rs.getObject(7, OffsetDateTime.class);
                    byte[] payload = rs.getBytes(8);
                    rs.getString(9);
                    rs.getString(10);
                    state = BankEvents.evolve(state, BankEvents.decode(type, payload));
                }
            }
            c.commit();
            return state;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Reads up to {@code limit} rows after {@code position} in log order; returns the number of rows, puts the
     * last position read in {@code out[0]} and adds a value of every row to {@code out[1]}.
     * <p>
     * Log order is the store's: on PostgreSQL {@code (tx_id, global_position)}, the events table's primary key
     * (there is no B-tree on the position alone), so this object remembers the transaction id of the last row it
     * returned and pages from the pair; pass back {@code out[0]}, or 0 to start over. On H2, the position alone.
     */
    int readPage(Connection c, long position, int limit, long[] out) throws SQLException {
        if (position == 0) {
            lastTxId = 0;
        }
        // the read ceilings use the store's table without create(): ask the connection
        boolean postgres = c.isWrapperFor(PGConnection.class);
        c.setAutoCommit(false);
        try (PreparedStatement ps = c.prepareStatement(postgres
            ? "SELECT global_position, " + COLUMNS + ", tx_id FROM " + table
                + " WHERE (tx_id, global_position) > (?, ?) ORDER BY tx_id, global_position LIMIT ?"
            : "SELECT global_position, " + COLUMNS + " FROM " + table
                + " WHERE global_position > ? ORDER BY global_position LIMIT ?")) {
            ps.setFetchSize(FETCH_SIZE);
            int p = 1;
            if (postgres) {
                ps.setLong(p++, lastTxId);
            }
            ps.setLong(p++, position);
            ps.setInt(p, limit);
            int rows = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out[0] = rs.getLong(1);
                    out[1] += readRow(rs);
                    if (postgres) {
                        lastTxId = rs.getLong(11);
                    }
                    rows++;
                }
            }
            c.commit();
            return rows;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Reads every column of a row the way a store builds its recorded event; returns a value to consume. */
    private static long readRow(ResultSet rs) throws SQLException {
        long position = rs.getLong(1);
        String stream = rs.getString(2);
        long version = rs.getLong(3);
        UUID id = rs.getObject(4, UUID.class);
        String type = rs.getString(5);
        int schemaVersion = rs.getInt(6);
        OffsetDateTime at = rs.getObject(7, OffsetDateTime.class);
        byte[] payload = rs.getBytes(8);
        String metadata = rs.getString(9);
        String checksum = rs.getString(10);
        return position + id.getLeastSignificantBits() + stream.length() + version + type.length() + schemaVersion
            + payload.length + (metadata == null ? 0 : metadata.length()) + at.getNano() + checksum.length();
    }
}
