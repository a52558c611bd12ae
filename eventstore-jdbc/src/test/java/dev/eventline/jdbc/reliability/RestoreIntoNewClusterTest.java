package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.copy.CopyManager;

/**
 * O-7 of RELIABILITY.md: the event log dumped from one PostgreSQL cluster and restored into a fresh one keeps its
 * order for subscribers. Transaction ids belong to a cluster; a fresh cluster hands out ids far below the stored
 * ones, so without the store's transaction-id offset (schema V3) new events would sort before the restored ones
 * and a subscriber whose cursor is past the old events would never see them.
 * <p>
 * The dump is what {@code pg_dump --data-only} does for these tables: {@code COPY} of every row out of the old
 * cluster and into the new one, and the position sequence set to its old value ({@code setval}); the new cluster's
 * tables come from {@code createSchema()}, as a restore of {@code pg_dump --schema-only} would make them.
 */
@Tag("slow")
class RestoreIntoNewClusterTest {

    private static final String SCHEMA = "o7";
    private static final String[] TABLES = {"el_events", "el_streams", "el_log_epoch"};
    /** Transactions burnt on the old cluster, so that its ids are well above a fresh cluster's (~750). */
    private static final int BURNT_TRANSACTIONS = 2_000;

    @Test
    void old_and_new_events_reach_subscribers_once_and_in_order_after_a_restore_into_a_fresh_cluster(
        @TempDir Path oldData, @TempDir Path newData) throws SQLException {
        long started = System.nanoTime();
        try (PostgresTestServer oldCluster = PostgresTestServer.startDurable(oldData);
             PostgresTestServer newCluster = PostgresTestServer.startDurable(newData)) {
            // given: a log written on a cluster that has run a few thousand transactions
            List<RecordedEvent> oldLog;
            long oldSequence;
            try (HikariDataSource pool = pool(oldCluster)) {
                burnTransactions(pool, BURNT_TRANSACTIONS);
                JdbcEventStore store = store(pool);
                store.createSchema();
                for (int stream = 0; stream < 3; stream++) {
                    store.append("account-" + stream, ExpectedVersion.noStream(), events("opened", 1));
                    store.append("account-" + stream, ExpectedVersion.exactly(1), events("deposited", 19));
                }
                oldLog = store.readAll(LogPosition.START).toList();
                oldSequence = queryLong(pool, "SELECT last_value FROM " + SCHEMA + ".el_events_position_seq");
                // ... dumped, and restored into a fresh cluster
                try (HikariDataSource target = pool(newCluster)) {
                    store(target).createSchema();
                    for (String table : TABLES) {
                        copy(pool, target, table);
                    }
                    execute(target, "SELECT setval('" + SCHEMA + ".el_events_position_seq', " + oldSequence + ")");
                }
            }
            LogPosition subscriberCursor = oldLog.get(oldLog.size() - 1).position();
            long largestOldTxId = oldLog.stream().mapToLong(event -> event.position().commit()).max().orElseThrow();

            try (HikariDataSource pool = pool(newCluster)) {
                // the control: the fresh cluster's own transaction ids sort before the restored events'
                long freshTxId = queryLong(pool, "SELECT pg_current_xact_id()::text::bigint");
                assertThat(freshTxId).as("a fresh cluster's transaction id").isLessThan(largestOldTxId);

                // when: the application starts against the restored database and appends
                JdbcEventStore store = store(pool);
                store.append("account-0", ExpectedVersion.exactly(20), events("withdrawn", 2));
                store.append("account-new", ExpectedVersion.noStream(), events("opened", 1));
                store.append("account-1", ExpectedVersion.exactly(20), events("deposited", 3));

                // then: a subscriber past the old events gets exactly the new ones, in the order they were appended
                List<RecordedEvent> tail = store.readAll(subscriberCursor).toList();
                assertThat(tail).extracting(event -> event.streamId() + "@" + event.version()).containsExactly(
                    "account-0@21", "account-0@22", "account-new@1", "account-1@21", "account-1@22", "account-1@23");
                assertThat(tail).allSatisfy(event ->
                    assertThat(event.position().commit()).isGreaterThan(largestOldTxId));

                // a subscriber from the start: the old events unchanged and first, then the new ones, each once
                List<RecordedEvent> whole = store.readAll(LogPosition.START).toList();
                assertThat(whole.subList(0, oldLog.size())).isEqualTo(oldLog);
                assertThat(whole.subList(oldLog.size(), whole.size())).isEqualTo(tail);
                assertThat(whole.stream().map(RecordedEvent::eventId).distinct().count()).isEqualTo(whole.size());
                assertThat(store.headPosition()).isEqualTo(tail.get(tail.size() - 1).position());
                // the hash chains survived the dump (stored bytes, not a re-encoding)
                assertThat(store.verifyAll().valid()).isTrue();

                // a second instance starting later (or createSchema on every start) changes nothing
                long offset = queryLong(pool, "SELECT tx_offset FROM " + SCHEMA + ".el_log_epoch");
                store(pool).createSchema();
                store(pool).append("account-2", ExpectedVersion.exactly(20), events("deposited", 1));
                assertThat(queryLong(pool, "SELECT tx_offset FROM " + SCHEMA + ".el_log_epoch")).isEqualTo(offset);
                assertThat(store.readAll(tail.get(tail.size() - 1).position()).toList())
                    .extracting(event -> event.streamId() + "@" + event.version()).containsExactly("account-2@21");

                System.out.printf("[reliability] O-7 (ci): %d events restored into a fresh cluster (old ids up to %d,"
                        + " the fresh cluster's at %d), offset raised to %d; %d new events delivered after them to a "
                        + "subscriber past the old head and to one from the start; 0 lost, 0 duplicated, 0 reordered;"
                        + " %.1f s%n", oldLog.size(), largestOldTxId, freshTxId, offset, tail.size() + 1,
                    (System.nanoTime() - started) / 1e9);
            }
        }
    }

    private static JdbcEventStore store(HikariDataSource pool) {
        return JdbcEventStore.builder(pool).schema(SCHEMA).tablePrefix("el_").build();
    }

    private static HikariDataSource pool(PostgresTestServer server) {
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server.dataSource(SCHEMA, 2);
    }

    private static List<EventData> events(String type, int count) {
        return IntStream.range(0, count).mapToObj(i -> EventData.of(type, "{\"n\":" + i + "}"))
            .collect(Collectors.toCollection(ArrayList::new));
    }

    private static void burnTransactions(HikariDataSource pool, int count) throws SQLException {
        execute(pool, "DO $$ BEGIN FOR i IN 1.." + count + " LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; "
            + "END $$");
    }

    private static void copy(HikariDataSource from, HikariDataSource to, String table) throws SQLException {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        try (Connection source = from.getConnection(); Connection target = to.getConnection()) {
            new CopyManager(source.unwrap(org.postgresql.core.BaseConnection.class))
                .copyOut("COPY " + SCHEMA + "." + table + " TO STDOUT (FORMAT binary)", rows);
            execute(target, "DELETE FROM " + SCHEMA + "." + table);
            new CopyManager(target.unwrap(org.postgresql.core.BaseConnection.class))
                .copyIn("COPY " + SCHEMA + "." + table + " FROM STDIN (FORMAT binary)",
                    new ByteArrayInputStream(rows.toByteArray()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            execute(connection, sql);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long queryLong(HikariDataSource pool, String sql) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
