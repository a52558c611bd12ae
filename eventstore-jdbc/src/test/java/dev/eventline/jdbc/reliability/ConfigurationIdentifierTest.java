package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.command.JdbcIdempotencyStore;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.testing.H2TestDatabases;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * X-2 of RELIABILITY.md: configured identifiers (schema, table prefix) are the only text spliced into SQL, so
 * anything but a plain lowercase identifier is refused when the store is built, before any SQL runs; and every
 * prefix that is accepted must give working tables on both databases.
 */
class ConfigurationIdentifierTest {

    private static final DataSource H2 = H2TestDatabases.inMemory();

    @ParameterizedTest
    @ValueSource(strings = {"ev; drop", "\"quoted\"", "EL_", "Events", "é_", "ev-", "1ev", "ev ", "",
        "a234567890123456789012345678901234567890123456789012345678901234"})
    void table_prefixes_that_are_not_plain_identifiers_are_refused_at_build(String prefix) {
        // when
        Throwable thrown = catchThrowable(() -> JdbcEventStore.builder(H2).tablePrefix(prefix).build());
        // then
        assertThat(thrown).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.getMessage()).contains("table prefix", "'" + prefix + "'");
            assertThat(e.isRetryable()).isFalse();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ev; drop", "\"quoted\"", "Public", "sch\u00e9ma", "s.t",
        "a234567890123456789012345678901234567890123456789012345678901234"})
    void schemas_that_are_not_plain_identifiers_are_refused_at_build(String schema) {
        // when
        Throwable thrown = catchThrowable(() -> JdbcEventStore.builder(H2).schema(schema).build());
        // then
        assertThat(thrown).isInstanceOfSatisfying(ConfigurationException.class,
            e -> assertThat(e.getMessage()).contains("schema", "'" + schema + "'"));
    }

    /**
     * PostgreSQL truncates identifiers to 63 bytes, so a long prefix that passes the pattern could make table,
     * index and sequence names collide. The longest accepted prefix must either be refused at build or work.
     */
    @Test
    void a_prefix_postgres_would_cut_is_refused_at_build_or_works_on_postgres() {
        // given
        String prefix = "p".repeat(62) + "_";
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            JdbcEventStore store;
            try {
                store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).tablePrefix(prefix).build();
            } catch (ConfigurationException refused) {
                assertThat(refused.getMessage()).contains("table prefix");
                return;
            }
            // when
            store.createSchema();
            EventData event = EventData.of("T", "{}");
            store.append("s", ExpectedVersion.noStream(), List.of(event));
            // then
            assertThat(store.readStream("s").map(RecordedEvent::eventId).toList()).containsExactly(event.eventId());
        }
    }

    @Test
    void the_longest_accepted_table_prefix_creates_every_table_and_works_on_postgres() {
        // given
        String prefix = "p".repeat(Identifiers.MAX_PREFIX_LENGTH - 1) + "_";
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(2)) {
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).tablePrefix(prefix).build();
            JdbcIdempotencyStore dedup = JdbcIdempotencyStore.builder(pool).tablePrefix(prefix).build();
            // when
            store.createSchema();
            dedup.createSchema();
            EventData event = EventData.of("T", "{}");
            store.append("s", ExpectedVersion.noStream(), List.of(event));
            // then
            assertThat(store.readStream("s").map(RecordedEvent::eventId).toList()).containsExactly(event.eventId());
        }
    }
}
