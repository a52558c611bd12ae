package dev.eventline.jdbc.branch;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.branch.BranchInfo;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.core.branch.Branches;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.testing.H2TestDatabases;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdbcBranchStorageTest {

    @Test
    void branches_and_their_events_survive_a_restart(@TempDir Path directory) {
        // given
        LogPosition fork;
        try (HikariDataSource pool = H2TestDatabases.file(directory)) {
            Branches branches = branches(pool);
            branches.main().append("s", ExpectedVersion.noStream(), List.of(EventData.of("Noted", "{\"m\":1}")));
            BranchStore branch = branches.create("durable");
            fork = branch.forkPosition();
            branch.append("s", ExpectedVersion.exactly(1), List.of(EventData.of("Noted", "{\"b\":2}")));
        }
        // when
        try (HikariDataSource pool = H2TestDatabases.file(directory)) {
            Branches branches = branches(pool);
            BranchStore branch = branches.open("durable");
            branch.append("s", ExpectedVersion.exactly(2), List.of(EventData.of("Noted", "{\"b\":3}")));
            // then
            assertThat(branches.list()).extracting(BranchInfo::name, BranchInfo::forkPosition,
                BranchInfo::ownEventCount).containsExactly(org.assertj.core.groups.Tuple.tuple("durable", fork, 2L));
            try (Stream<RecordedEvent> events = branch.readStream("s")) {
                assertThat(events.map(RecordedEvent::payloadAsString))
                    .containsExactly("{\"m\":1}", "{\"b\":2}", "{\"b\":3}");
            }
            assertThat(branch.verify("s").valid()).isTrue();
            assertThat(branches.main().streamVersion("s")).isEqualTo(1);
        }
    }

    @Test
    void h2_reads_a_page_of_branch_events_by_walking_the_index_not_by_sorting_the_whole_branch() throws SQLException {
        // given a branch with 30 own events in one stream
        HikariDataSource pool = H2TestDatabases.inMemory();
        try (pool) {
            Branches branches = branches(pool);
            BranchStore branch = branches.create("paged");
            for (int i = 0; i < 30; i++) {
                branch.append("s", ExpectedVersion.any(), List.of(EventData.of("Noted", "{\"b\":" + i + "}")));
            }
            BranchSql sql = BranchSql.of(Dialect.detect(pool), "", "el_");
            String id = branch.record().id();
            long firstNumber = branch.readAll(branch.forkPosition(), 1).get(0).position().position();
            // when each page read is explained, for a page of 5
            List<String> plans = List.of(
                explain(pool, sql.readForwards(), id, "s", 10L, 5),
                explain(pool, sql.readBackwards(), id, "s", 20L, 5),
                explain(pool, sql.readAll(), id, firstNumber + 10, 5));
            // then H2 walks the index in order and stops after the page
            for (String plan : plans) {
                assertThat(plan).contains("index sorted");
                assertThat(scanCount(plan)).as(plan).isLessThanOrEqualTo(6);
            }
        }
    }

    private static String explain(HikariDataSource pool, String statementSql, Object... parameters)
        throws SQLException {
        try (Connection connection = pool.getConnection();
             java.sql.PreparedStatement statement = connection.prepareStatement("EXPLAIN ANALYZE " + statementSql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getString(1);
            }
        }
    }

    private static long scanCount(String plan) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("scanCount: (\\d+)").matcher(plan);
        assertThat(matcher.find()).as(plan).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static Branches branches(HikariDataSource pool) {
        JdbcEventStore store = JdbcEventStore.builder(pool).build();
        store.createSchema();
        JdbcBranchStorage storage = JdbcBranchStorage.builder(pool).build();
        storage.createSchema();
        return Branches.builder(store).storage(storage).build();
    }

    @Test
    void creating_the_schema_again_applies_nothing_and_the_ddl_names_the_branch_tables() {
        // given
        HikariDataSource pool = H2TestDatabases.inMemory();
        JdbcBranchStorage storage = JdbcBranchStorage.builder(pool).tablePrefix("x_").build();
        // when
        List<Integer> first = storage.createSchema();
        List<Integer> second = storage.createSchema();
        // then
        assertThat(first).containsExactly(1);
        assertThat(second).isEmpty();
        assertThat(storage.schemaSql()).contains("x_branches", "x_branch_streams", "x_branch_events")
            .doesNotContain("${prefix}");
    }

    @Test
    void branch_reads_are_served_by_indexes_on_postgresql() throws SQLException {
        // given
        HikariDataSource pool = PostgresTestServer.shared().newSchema(2);
        try {
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            JdbcBranchStorage.builder(pool).dialect(Dialect.postgres()).build().createSchema();
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                // the tables are nearly empty: forbid sequential scans so that the plan shows which index serves
                statement.execute("SET enable_seqscan = off");
                // when
                String readAll = plan(statement, BranchSql.READ_ALL, "'b'", "0", "10");
                String readStream = plan(statement, BranchSql.READ_FORWARDS, "'b'", "'s'", "1", "10");
                String readBackwards = plan(statement, BranchSql.READ_BACKWARDS, "'b'", "'s'", "9", "10");
                String head = plan(statement, BranchSql.HEAD, "'b'", "'s'");
                // then
                assertThat(readAll).contains("el_branch_events_pk").doesNotContain("Seq Scan");
                assertThat(readStream).contains("el_branch_events_stream_uk").doesNotContain("Seq Scan");
                assertThat(readBackwards).contains("el_branch_events_stream_uk").doesNotContain("Seq Scan");
                assertThat(head).contains("el_branch_streams_pk").doesNotContain("Seq Scan");
            }
        } finally {
            pool.close();
        }
    }

    @Test
    void a_bare_global_position_is_found_as_the_main_log_position_on_both_databases() {
        for (boolean postgres : new boolean[] {false, true}) {
            // given
            HikariDataSource pool = postgres ? PostgresTestServer.shared().newSchema(2) : H2TestDatabases.inMemory();
            try {
                Dialect dialect = postgres ? Dialect.postgres() : Dialect.h2();
                JdbcEventStore store = JdbcEventStore.builder(pool).dialect(dialect).build();
                store.createSchema();
                JdbcBranchStorage storage = JdbcBranchStorage.builder(pool).dialect(dialect).build();
                storage.createSchema();
                store.append("s", ExpectedVersion.any(), List.of(EventData.of("Noted", "{}")));
                LogPosition second = store.append("s", ExpectedVersion.any(), List.of(EventData.of("Noted", "{}")))
                    .lastPosition();
                // when
                var found = storage.mainPositionOf(second.position());
                // then
                assertThat(found).as(dialect.toString()).contains(second);
                assertThat(storage.mainPositionOf(second.position() + 1000)).isEmpty();
                BranchStore branch = Branches.builder(store).storage(storage).build()
                    .create("from-number", dev.eventline.core.branch.ForkPoint.at(found.orElseThrow()));
                assertThat(branch.streamVersion("s")).isEqualTo(2);
            } finally {
                pool.close();
            }
        }
    }

    private static String plan(Statement statement, String template, String... values) throws SQLException {
        String sql = Identifiers.render(template, "", "el_").replace("${columns}", BranchSql.EVENT_COLUMNS);
        for (String value : values) {
            sql = sql.replaceFirst("\\?", value);
        }
        StringBuilder plan = new StringBuilder();
        try (ResultSet rows = statement.executeQuery("EXPLAIN " + sql)) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }
}
