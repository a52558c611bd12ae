package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * T-9 of RELIABILITY.md: routine maintenance that rewrites rows physically ({@code VACUUM FULL}, {@code CLUSTER},
 * {@code REINDEX}, {@code ANALYZE}) must not alarm the integrity check nor change what readers see.
 * (Dump and restore, which changes transaction ids, is not covered yet.)
 */
class MaintenanceNoOpTest {

    @Test
    void vacuum_full_cluster_and_reindex_change_nothing_readers_or_verify_see() throws Exception {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            // given: events in several streams, some deleted-and-rewritten rows from conflicting appends
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            for (int i = 0; i < 60; i++) {
                List<EventData> batch = new ArrayList<>();
                for (int e = 0; e <= i % 4; e++) {
                    batch.add(EventData.of("T", "{\"i\":" + i + ",\"e\":" + e + ",\"text\":\"caf\u00e9 \uD83D\uDE80\"}"));
                }
                store.append("t9-" + i % 7, ExpectedVersion.any(), batch);
            }
            List<RecordedEvent> before = store.readAll(LogPosition.START).toList();
            List<String> statements = List.of("VACUUM FULL el_events", "VACUUM FULL el_streams",
                "CLUSTER el_events USING el_events_pk", "REINDEX TABLE el_events", "ANALYZE el_events",
                "VACUUM el_events");
            // when, then
            for (String sql : statements) {
                try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                    statement.execute(sql);
                }
                IntegrityReport report = store.verifyAll();
                assertThat(report.valid()).as("verify after %s: %s", sql, report).isTrue();
                assertThat(store.readAll(LogPosition.START).toList()).as("the log after %s", sql)
                    .usingRecursiveFieldByFieldElementComparator().isEqualTo(before);
            }
        }
    }
}
