package dev.eventline.jdbc.internal;

import dev.eventline.core.RecordedEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * Writes recorded events into an events table in one batch, so the main log and branches bind an event's content
 * columns the same way: both tables differ only in their two key columns.
 */
public final class EventRowInserts {

    private EventRowInserts() {
    }

    /** Binds the two key columns (parameters 1 and 2) that differ between the tables. */
    @FunctionalInterface
    public interface KeyColumns {
        /**
         * @param insert the statement
         * @param event the event being inserted
         * @throws SQLException when binding fails
         */
        void bind(PreparedStatement insert, RecordedEvent event) throws SQLException;
    }

    /**
     * Inserts the events: parameters 1–2 are the table's keys, 3–11 are stream id, version, event id, type, schema
     * version, recording time, payload, metadata JSON and checksum. One event is a single update, more a batch.
     *
     * @param connection the append's connection
     * @param sql the insert statement
     * @param recorded the events, all recorded at the same instant
     * @param keys binds the key columns
     * @throws SQLException when the insert fails
     */
    public static void insert(Connection connection, String sql, List<RecordedEvent> recorded, KeyColumns keys)
        throws SQLException {
        OffsetDateTime recordedAt = OffsetDateTime.ofInstant(recorded.get(0).recordedAt(), ZoneOffset.UTC);
        try (PreparedStatement insert = connection.prepareStatement(sql)) {
            for (RecordedEvent event : recorded) {
                keys.bind(insert, event);
                insert.setString(3, event.streamId());
                insert.setLong(4, event.version());
                insert.setObject(5, event.eventId());
                insert.setString(6, event.type());
                insert.setInt(7, event.schemaVersion());
                insert.setObject(8, recordedAt);
                insert.setBytes(9, event.payload());
                insert.setString(10, MetadataJson.encode(event.metadata()));
                insert.setString(11, event.checksum());
                if (recorded.size() == 1) {
                    insert.executeUpdate();
                    return;
                }
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
