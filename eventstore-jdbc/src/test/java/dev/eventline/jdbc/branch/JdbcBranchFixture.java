package dev.eventline.jdbc.branch;

import dev.eventline.core.branch.BranchStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Changes stored branch rows behind the library's back, as an attacker with database access could. */
final class JdbcBranchFixture {

    private JdbcBranchFixture() {
    }

    static void tamper(DataSource dataSource, BranchStore branch, String streamId, long version, String payload) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement("UPDATE el_branch_events SET payload = ? "
                 + "WHERE branch_id = ? AND stream_id = ? AND stream_version = ?")) {
            update.setBytes(1, payload.getBytes(StandardCharsets.UTF_8));
            update.setString(2, branch.record().id());
            update.setString(3, streamId);
            update.setLong(4, version);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("no branch event " + streamId + "@" + version + " to tamper with");
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
