package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL events table as V2 leaves it: the log's order is the primary key, time windows and bare positions
 * are found through BRIN indexes, a V1 schema is upgraded in place, and the one-statement write keeps every column.
 */
class PostgresAppendSchemaTest {

    @Test
    void the_log_time_windows_and_stream_reads_are_served_by_indexes() throws SQLException {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            // given
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            // enough rows for the planner's statistics to tell a bitmap over the primary key from one over a BRIN
            for (int i = 0; i < 8; i++) {
                List<EventData> batch = new ArrayList<>();
                for (int e = 0; e < 1_000; e++) {
                    batch.add(EventData.of("Noted", "{\"i\":" + e + "}"));
                }
                store.append("s-" + i, ExpectedVersion.noStream(), batch);
            }
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE el_events");
                // the table is small: forbid sequential scans so that the plan shows which index serves
                statement.execute("SET enable_seqscan = off");
                // when
                String readAll = plan(statement, PostgresDialect.READ_ALL, "0", "0", "10");
                String head = plan(statement, PostgresDialect.HEAD_POSITION);
                String window = plan(statement, "SELECT ${columns} FROM ${schema}${prefix}events "
                    + "WHERE recorded_at >= ? AND recorded_at < ?", "now() - interval '1 hour'", "now()");
                String logWindow = plan(statement, PostgresDialect.READ_ALL_BETWEEN, "0", "0",
                    "now() - interval '1 hour'", "now()", "10");
                String streamWindow = plan(statement, PostgresDialect.READ_STREAM_BETWEEN, "'s-1'", "0",
                    "now() - interval '1 hour'", "now()", "10");
                String position = plan(statement, "SELECT tx_id FROM ${schema}${prefix}events "
                    + "WHERE global_position = ?", "1");
                // on a small table a full scan of the primary key is cheapest; on a large one its cost grows with
                // the table and the BRIN's does not, so show that the BRIN can serve the lookup on its own
                statement.execute("SET enable_indexscan = off");
                statement.execute("SET enable_indexonlyscan = off");
                String positionByBrin = plan(statement, "SELECT tx_id FROM ${schema}${prefix}events "
                    + "WHERE global_position = ?", "1");
                // then
                assertThat(readAll).contains("el_events_pk").doesNotContain("Seq Scan");
                assertThat(head).contains("el_events_pk").doesNotContain("Seq Scan");
                assertThat(window).contains("el_events_recorded_at_brin").doesNotContain("Seq Scan");
                assertThat(logWindow).doesNotContain("Seq Scan");
                assertThat(streamWindow).contains("el_events_stream_version_uk").doesNotContain("Seq Scan");
                assertThat(position).doesNotContain("Seq Scan");
                assertThat(positionByBrin).contains("el_events_position_brin").doesNotContain("Seq Scan");
            }
        }
    }

    @Test
    void the_events_table_has_one_b_tree_per_guarantee_and_brin_for_time_and_position() throws SQLException {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            // given
            JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build().createSchema();
            // when
            Map<String, String> indexes = indexes(pool);
            // then
            assertThat(indexes).containsOnlyKeys("el_events_pk", "el_events_stream_version_uk",
                "el_events_event_id_uk", "el_events_recorded_at_brin", "el_events_position_brin");
            assertThat(indexes.get("el_events_pk")).contains("UNIQUE", "btree (tx_id, global_position)");
            assertThat(indexes.get("el_events_recorded_at_brin")).contains("brin (recorded_at)");
            assertThat(indexes.get("el_events_position_brin")).contains("brin (global_position)");
        }
    }

    @Test
    void a_version_1_schema_is_upgraded_in_place_and_keeps_its_log(@TempDir Path folder) throws Exception {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            // given: the schema as the previous release created it (V1 only, recorded), with events in it
            Path scripts = Files.createDirectories(folder.resolve("previous/postgres"));
            try (InputStream v1 = getClass().getClassLoader()
                .getResourceAsStream(JdbcEventStore.MIGRATIONS + "/postgres/V1__events.sql")) {
                Files.write(scripts.resolve("V1__events.sql"), v1.readAllBytes());
            }
            ClassLoader previous = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader loader = new URLClassLoader(new URL[] {folder.toUri().toURL()}, null)) {
                Thread.currentThread().setContextClassLoader(loader);
                assertThat(SchemaMigrator.migrate(pool, Dialect.postgres(), "el_", JdbcEventStore.COMPONENT,
                    "previous")).containsExactly(1);
            } finally {
                Thread.currentThread().setContextClassLoader(previous);
            }
            assertThat(indexes(pool)).containsKey("el_events_log_idx");
            // this release's append path needs V3's offset row to write what the previous release would have
            // written; V3 only adds that table, and applies again as a no-op below
            try (InputStream v3 = getClass().getClassLoader()
                     .getResourceAsStream(JdbcEventStore.MIGRATIONS + "/postgres/V3__transaction_id_offset.sql");
                 Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute(StoreSql.render(new String(v3.readAllBytes(), StandardCharsets.UTF_8), "", "el_"));
            }
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            for (int i = 0; i < 5; i++) {
                store.append("s-" + i % 2, ExpectedVersion.any(), List.of(EventData.of("Noted", "{\"i\":" + i + "}"),
                    EventData.of("Noted", "{\"i\":" + i + ",\"second\":true}")));
            }
            List<RecordedEvent> before = store.readAll(LogPosition.START).toList();
            // when
            List<Integer> applied = store.createSchema();
            // then
            assertThat(applied).containsExactly(2, 3);
            assertThat(indexes(pool)).containsOnlyKeys("el_events_pk", "el_events_stream_version_uk",
                "el_events_event_id_uk", "el_events_recorded_at_brin", "el_events_position_brin");
            assertThat(store.readAll(LogPosition.START).toList()).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(before);
            assertThat(store.verifyAll().valid()).isTrue();
            var next = store.append("s-0", ExpectedVersion.exactly(6), List.of(EventData.of("Noted", "{}")));
            assertThat(next.lastPosition()).isGreaterThan(before.get(before.size() - 1).position());
            assertThat(store.schemaSql()).contains("-- V1__events.sql", "-- V2__cheaper_appends.sql");
        }
    }

    @Test
    void one_statement_writes_every_column_of_a_batch_as_it_was_hashed() {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            // given: hostile text, metadata on some events only, several schema versions
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            store.append("quote's \"stream\" {a,b} \\ 🚀", ExpectedVersion.noStream(),
                List.of(EventData.of("First", "{}")));
            List<EventData> batch = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                EventMetadata metadata = i % 3 == 0 ? EventMetadata.empty()
                    : EventMetadata.empty().withCorrelationId("c-" + i).with("k,{}\"", "v " + i + " \\ é");
                batch.add(new EventData(UUID.randomUUID(), i % 2 == 0 ? "Type {x}" : "Type, \"y\"", 1 + i % 4,
                    ("{\"i\":" + i + ",\"s\":\"NULL \\\\ \\u00e9\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    metadata));
            }
            // when
            var result = store.append("quote's \"stream\" {a,b} \\ 🚀", ExpectedVersion.exactly(1), batch);
            // then
            List<RecordedEvent> read = store.readStream("quote's \"stream\" {a,b} \\ 🚀").toList();
            assertThat(read).hasSize(301);
            assertThat(read.subList(1, 301)).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(result.events());
            for (int i = 0; i < 300; i++) {
                RecordedEvent event = read.get(i + 1);
                assertThat(event.eventId()).isEqualTo(batch.get(i).eventId());
                assertThat(event.type()).isEqualTo(batch.get(i).type());
                assertThat(event.schemaVersion()).isEqualTo(batch.get(i).schemaVersion());
                assertThat(event.payload()).isEqualTo(batch.get(i).payload());
                assertThat(event.metadata()).isEqualTo(batch.get(i).metadata());
                assertThat(event.version()).isEqualTo(i + 2);
            }
            TreeSet<Long> positions = new TreeSet<>();
            read.forEach(event -> positions.add(event.globalPosition()));
            assertThat(positions).hasSize(301);
            assertThat(read.subList(1, 301)).extracting(RecordedEvent::position).isSorted();
            assertThat(store.verify("quote's \"stream\" {a,b} \\ 🚀").valid()).isTrue();
            assertThat(read.get(1).recordedAt()).isBeforeOrEqualTo(Instant.now());
        }
    }

    private static Map<String, String> indexes(HikariDataSource pool) throws SQLException {
        Map<String, String> indexes = new java.util.TreeMap<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT indexname, indexdef FROM pg_indexes "
                 + "WHERE tablename = 'el_events' AND schemaname = current_schema()")) {
            while (rows.next()) {
                indexes.put(rows.getString(1), rows.getString(2));
            }
        }
        return indexes;
    }

    private static String plan(Statement statement, String template, String... values) throws SQLException {
        String sql = StoreSql.render(template, "", "el_");
        for (String value : values) {
            sql = sql.replaceFirst("\\?", java.util.regex.Matcher.quoteReplacement(value));
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
