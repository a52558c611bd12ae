package dev.eventline.jdbc.testing;

import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.testkit.TamperableStore;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.internal.MetadataJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * A {@link JdbcEventStore} plus raw SQL that changes its event rows behind its back (no checksum recomputed), for
 * {@link dev.eventline.core.testkit.TamperContract}. Works on PostgreSQL and H2.
 * <p>
 * Thread-safety: confined to one test.
 */
public final class SqlTamperableStore implements TamperableStore {

    private final JdbcEventStore store;
    private final DataSource dataSource;
    private final String events;

    /**
     * @param dataSource the database, its schema already created
     * @param store the store on it
     * @param tablePrefix the store's table prefix
     */
    public SqlTamperableStore(DataSource dataSource, JdbcEventStore store, String tablePrefix) {
        this.store = store;
        this.dataSource = dataSource;
        this.events = tablePrefix + "events";
    }

    @Override
    public EventStore store() {
        return store;
    }

    @Override
    public void changePayload(String streamId, long version, byte[] newPayload) {
        update("UPDATE " + events + " SET payload = ? WHERE stream_id = ? AND stream_version = ?", newPayload,
            streamId, version);
    }

    @Override
    public void changeType(String streamId, long version, String newType) {
        update("UPDATE " + events + " SET event_type = ? WHERE stream_id = ? AND stream_version = ?", newType,
            streamId, version);
    }

    @Override
    public void changeMetadata(String streamId, long version, EventMetadata newMetadata) {
        update("UPDATE " + events + " SET metadata = ? WHERE stream_id = ? AND stream_version = ?",
            MetadataJson.encode(newMetadata), streamId, version);
    }

    @Override
    public void changeStreamId(String streamId, long version, String newStreamId) {
        update("UPDATE " + events + " SET stream_id = ? WHERE stream_id = ? AND stream_version = ?", newStreamId,
            streamId, version);
    }

    @Override
    public void changeVersion(String streamId, long version, long newVersion) {
        update("UPDATE " + events + " SET stream_version = ? WHERE stream_id = ? AND stream_version = ?", newVersion,
            streamId, version);
    }

    @Override
    public void deleteEvent(String streamId, long version) {
        update("DELETE FROM " + events + " WHERE stream_id = ? AND stream_version = ?", streamId, version);
    }

    @Override
    public void swapVersions(String streamId, long a, long b) {
        // In three steps: UNIQUE(stream_id, stream_version) is checked row by row on PostgreSQL.
        changeVersion(streamId, a, -a);
        changeVersion(streamId, b, a);
        changeVersion(streamId, -a, b);
    }

    /** Closes the store and, when it is closeable (a pool), the data source. */
    @Override
    public void close() throws Exception {
        store.close();
        if (dataSource instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    private void update(String sql, Object... values) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                statement.setObject(i + 1, values[i]);
            }
            if (statement.executeUpdate() != 1) {
                throw new IllegalStateException("expected to change one row: " + sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("tampering failed: " + sql, e);
        }
    }
}
