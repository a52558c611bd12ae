package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.jdbc.testing.H2TestDatabases;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Schema creation: versions recorded once, concurrent starts, printed DDL, validated names. */
class SchemaMigratorTest {

    @Test
    void six_instances_migrating_one_postgres_schema_at_once_apply_each_version_exactly_once() throws Exception {
        assertConcurrentMigrationAppliesOnce(PostgresTestServer.shared().newSchema(8), Dialect.postgres());
    }

    @Test
    void six_instances_migrating_one_h2_database_at_once_apply_each_version_exactly_once() throws Exception {
        assertConcurrentMigrationAppliesOnce(H2TestDatabases.inMemory(), Dialect.h2());
    }

    private static void assertConcurrentMigrationAppliesOnce(DataSource dataSource, Dialect dialect)
        throws Exception {
        // given
        List<Integer> versions = SchemaMigrator.migrations(dialect, JdbcEventStore.MIGRATIONS).stream()
            .map(SchemaMigrator.Migration::version).toList();
        int instances = 6;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        List<Future<List<Integer>>> results = new ArrayList<>();
        try {
            for (int i = 0; i < instances; i++) {
                Callable<List<Integer>> migrate = () -> {
                    start.await();
                    return JdbcEventStore.builder(dataSource).build().createSchema();
                };
                results.add(pool.submit(migrate));
            }
            // when
            start.countDown();
            List<List<Integer>> applied = new ArrayList<>();
            for (Future<List<Integer>> result : results) {
                applied.add(result.get());
            }
            // then
            assertThat(applied).filteredOn(list -> !list.isEmpty()).containsExactly(versions);
            assertThat(count(dataSource, "SELECT COUNT(*) FROM el_schema_versions WHERE component = 'events'"))
                .isEqualTo(versions.size());
            JdbcEventStore store = JdbcEventStore.builder(dataSource).build();
            assertThat(store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("E", "{}")))
                .currentVersion()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void printed_ddl_applied_by_hand_gives_a_working_store_on_postgres() throws SQLException {
        // given: a team that runs DDL through its own migration tool
        HikariDataSource dataSource = PostgresTestServer.shared().newSchema(2);
        String ddl = JdbcEventStore.schemaSql(Dialect.postgres(), "", "app_");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : SchemaMigrator.statements(ddl)) {
                statement.execute(sql);
            }
        }
        JdbcEventStore store = JdbcEventStore.builder(dataSource).tablePrefix("app_").build();
        // when
        store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("E", "{}")));
        // then
        assertThat(store.readStream("s").count()).isEqualTo(1);
        assertThat(ddl).contains("CREATE TABLE IF NOT EXISTS app_events").doesNotContain("${");
    }

    @Test
    void a_configured_schema_and_prefix_keep_two_stores_apart_in_one_database() {
        // given
        DataSource dataSource = H2TestDatabases.inMemory();
        JdbcEventStore first = JdbcEventStore.builder(dataSource).schema("tenant_a").tablePrefix("ev_").build();
        JdbcEventStore second = JdbcEventStore.builder(dataSource).schema("tenant_b").tablePrefix("ev_").build();
        first.createSchema();
        second.createSchema();
        // when
        first.append("s", ExpectedVersion.noStream(), List.of(EventData.of("E", "{}")));
        // then
        assertThat(first.streamVersion("s")).isEqualTo(1);
        assertThat(second.streamVersion("s")).isZero();
        assertThat(first.schemaSql()).contains("tenant_a.ev_events");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ev; drop", "\"quoted\"", "Upper_", "1abc", "", "préfixe_",
        "a_very_long_prefix_that_goes_on_and_on_and_on_and_on_past_sixty_three_chars"})
    void an_unsafe_table_prefix_is_refused_at_build(String prefix) {
        assertThatThrownBy(() -> JdbcEventStore.builder(H2TestDatabases.inMemory()).tablePrefix(prefix).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("[a-z_][a-z0-9_]{0,62}");
    }

    @Test
    void an_unsafe_schema_name_is_refused_at_build() {
        assertThatThrownBy(() -> JdbcEventStore.builder(H2TestDatabases.inMemory()).schema("public; drop").build())
            .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void a_missing_migration_folder_is_a_configuration_error() {
        assertThatThrownBy(() -> SchemaMigrator.migrations(Dialect.h2(), "no/such/folder"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("no/such/folder/h2");
    }

    @Test
    void scripts_split_at_semicolons_ending_a_line_and_drop_comment_lines() {
        assertThat(SchemaMigrator.statements("-- c\nCREATE TABLE a (x int);\n\nINSERT INTO a\nVALUES (';');\n"))
            .containsExactly("CREATE TABLE a (x int)", "INSERT INTO a\nVALUES (';')");
    }

    private static long count(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }
}
