package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the driver and server do with several statements in one prepared statement on an auto-committed
 * connection (pgjdbc sends Parse/Bind/Execute for each, then one Sync): they run as one implicit transaction that
 * commits at the Sync. This is the ground a one-round-trip append without an explicit transaction would stand on;
 * the store keeps an explicit transaction (see {@code EventAppender}), and these tests pin the behaviour down
 * should that change.
 */
class PostgresImplicitTransactionTest {

    private DataSource pool;

    @BeforeEach
    void create_table() throws SQLException {
        pool = PostgresTestServer.shared().newSchema(2);
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id integer PRIMARY KEY)");
        }
    }

    @Test
    void a_failing_second_statement_leaves_nothing_of_the_first() throws SQLException {
        try (Connection connection = pool.getConnection()) {
            assertThat(connection.getAutoCommit()).isTrue();
            // when
            Throwable thrown;
            try (PreparedStatement both = connection.prepareStatement(
                "INSERT INTO t VALUES (?); INSERT INTO t VALUES (?)")) {
                both.setInt(1, 1);
                both.setInt(2, 1);
                thrown = catchThrowable(both::execute);
            }
            // then
            assertThat(thrown).isInstanceOf(SQLException.class);
            assertThat(count(connection, "SELECT count(*) FROM t")).isZero();
        }
    }

    @Test
    void a_transaction_lock_taken_by_the_first_statement_is_held_through_the_second_and_released_at_the_end()
        throws SQLException {
        try (Connection connection = pool.getConnection()) {
            long held;
            // when
            try (PreparedStatement both = connection.prepareStatement("""
                SELECT pg_advisory_xact_lock(?, ?);
                SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid();
                INSERT INTO t VALUES (1)""")) {
                both.setInt(1, 7);
                both.setInt(2, 42);
                both.execute();
                assertThat(both.getMoreResults()).isTrue();
                try (ResultSet row = both.getResultSet()) {
                    row.next();
                    held = row.getLong(1);
                }
            }
            // then: held during the batch, released with its commit, and the row committed
            assertThat(held).isEqualTo(1);
            assertThat(count(connection, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                + "AND pid = pg_backend_pid()")).isZero();
            try (Connection other = pool.getConnection()) {
                assertThat(count(other, "SELECT count(*) FROM t")).isEqualTo(1);
            }
        }
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
