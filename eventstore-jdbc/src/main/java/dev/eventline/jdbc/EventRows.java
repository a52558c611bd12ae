package dev.eventline.jdbc;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.internal.MetadataJson;
import dev.eventline.jdbc.internal.SqlErrors;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/** Runs one event query on a connection borrowed for it alone, and maps rows to {@link RecordedEvent}s. */
final class EventRows {

    private final DataSource dataSource;
    private final boolean txOrder;
    private final int fetchSize;

    EventRows(DataSource dataSource, boolean txOrder, int fetchSize) {
        this.dataSource = dataSource;
        this.txOrder = txOrder;
        this.fetchSize = fetchSize;
    }

    /** Binds a statement's parameters; the connection is there to create arrays. */
    @FunctionalInterface
    interface Binder {
        void bind(Connection connection, PreparedStatement statement) throws SQLException;
    }

    List<RecordedEvent> query(String action, String statementSql, Binder binder) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(statementSql)) {
            binder.bind(connection, statement);
            statement.setFetchSize(fetchSize);
            List<RecordedEvent> events = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    events.add(map(rows));
                }
            }
            return events;
        } catch (SQLException e) {
            throw SqlErrors.translate(action, e);
        }
    }

    private RecordedEvent map(ResultSet row) throws SQLException {
        long position = row.getLong(1);
        LogPosition logPosition = txOrder ? new LogPosition(row.getLong(2), position) : LogPosition.of(position);
        return new RecordedEvent(row.getObject(5, UUID.class), row.getString(3), row.getLong(4), logPosition,
            row.getObject(8, OffsetDateTime.class).toInstant(), row.getString(6), row.getInt(7), row.getBytes(9),
            MetadataJson.decode(row.getString(10)), row.getString(11));
    }

    static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

}
