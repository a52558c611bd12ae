package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The single-event append on PostgreSQL, the call whose cost is per transaction: its statements run on the
 * server's cached plans, and its commit has happened when the call returns, leaving no transaction open on the
 * pooled connection.
 */
class PostgresSingleAppendTest {

    private static final int APPENDS = 30;

    @Test
    void single_event_appends_run_on_the_servers_cached_plans() throws SQLException {
        // one connection, so that its prepared statements are the ones every append used
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(1)) {
            // given
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            // when
            for (int i = 0; i < APPENDS; i++) {
                store.append("one-by-one", ExpectedVersion.exactly(i), List.of(EventData.of("Noted", "{\"i\":" + i + "}")));
            }
            // then: the driver prepares a statement on the server from its 5th use, and the server plans it anew
            // (a custom plan) each time while it judges its generic plan dearer
            List<String> replanned = new ArrayList<>();
            int cached = 0;
            try (Connection connection = pool.getConnection();
                 PreparedStatement statement = connection.prepareStatement(
                     "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
                         + "WHERE statement LIKE '%el_streams%'");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    cached++;
                    if (rows.getLong(3) > 5 || rows.getLong(2) < APPENDS / 2) {
                        replanned.add(rows.getLong(3) + " custom plans, " + rows.getLong(2) + " generic: "
                            + rows.getString(1));
                    }
                }
            }
            assertThat(cached).as("the append's statements prepared on the server").isGreaterThanOrEqualTo(2);
            assertThat(replanned).as("statements planned anew on every append").isEmpty();
            assertThat(store.readStream("one-by-one").map(RecordedEvent::version).toList())
                .hasSize(APPENDS).isSorted();
            assertThat(store.verify("one-by-one").valid()).isTrue();
        }
    }

    @Test
    void an_append_has_committed_when_it_returns_and_leaves_no_transaction_open() throws SQLException {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(1)) {
            // given
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("Noted", "{}")));
            for (int i = 1; i <= 10; i++) {
                // when: new streams and existing ones, single events and batches
                AppendResult next = store.append("s", ExpectedVersion.exactly(i * 2L - 1),
                    List.of(EventData.of("Noted", "{\"i\":" + i + "}"), EventData.of("Noted", "{}")));
                AppendResult created = store.append("new-" + i, ExpectedVersion.noStream(),
                    List.of(EventData.of("Noted", "{}")));
                // then: the transactions that wrote them are committed (the log's offset is 0 on this cluster)
                try (Connection connection = pool.getConnection();
                     PreparedStatement statement = connection.prepareStatement(
                         "SELECT pg_xact_status(?::text::xid8), pg_xact_status(?::text::xid8), "
                             + "pg_current_xact_id_if_assigned() IS NULL")) {
                    statement.setLong(1, next.lastPosition().commit());
                    statement.setLong(2, created.lastPosition().commit());
                    try (ResultSet row = statement.executeQuery()) {
                        row.next();
                        assertThat(row.getString(1)).isEqualTo("committed");
                        assertThat(row.getString(2)).isEqualTo("committed");
                        assertThat(row.getBoolean(3)).as("no transaction left open on the connection").isTrue();
                    }
                    assertThat(connection.getAutoCommit()).isTrue();
                }
            }
            assertThat(store.streamVersion("s")).isEqualTo(21);
            assertThat(store.verifyAll().valid()).isTrue();
        }
    }
}
