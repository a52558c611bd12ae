package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.internal.ConnectionUrls;
import dev.eventline.jdbc.testing.H2TestDatabases;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Stores built from URLs own their pool; stores built on a user's DataSource leave it alone. */
class ConnectionFactoryTest {

    @Test
    void the_libpq_url_form_becomes_a_jdbc_url_with_decoded_credentials() {
        // when
        ConnectionUrls.Target target = ConnectionUrls.parse("postgresql://app:s%40cret%3A1@db.example:6543/bank?ssl=true");
        // then
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6543/bank?ssl=true");
        assertThat(target.user()).isEqualTo("app");
        assertThat(target.password()).isEqualTo("s@cret:1");
        assertThat(target.toString()).doesNotContain("s@cret");
    }

    @Test
    void an_unknown_url_form_is_refused_without_echoing_the_password() {
        assertThatThrownBy(() -> ConnectionUrls.parse("mysql://app:hunter2@db/x"))
            .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void a_store_from_the_libpq_url_form_works_against_postgres_and_closes_its_pool() {
        // given
        PostgresTestServer server = PostgresTestServer.shared();
        HikariDataSource schema = server.newSchema(1);
        String currentSchema = schema.getDataSourceProperties().getProperty("currentSchema");
        schema.close();
        String url = server.isEmbedded()
            ? "postgresql://postgres:@localhost:" + server.jdbcUrl().replaceAll(".*:(\\d+)/.*", "$1")
                + "/postgres?currentSchema=" + currentSchema
            : server.jdbcUrl() + (server.jdbcUrl().contains("?") ? "&" : "?") + "currentSchema=" + currentSchema;
        // when
        JdbcEventStore store = JdbcEventStore.fromUrl(url);
        store.createSchema();
        store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("E", "{}")));
        store.close();
        store.close();
        // then
        assertThat(store.dialect()).isEqualTo(Dialect.postgres());
        assertThatThrownBy(() -> store.streamVersion("s")).isInstanceOf(StorageException.class);
    }

    @Test
    void a_store_from_an_h2_url_detects_h2_and_closing_it_twice_is_harmless() {
        // given
        JdbcEventStore store = JdbcEventStore.fromUrl("jdbc:h2:mem:from_url;DB_CLOSE_DELAY=-1", "sa", "");
        store.createSchema();
        // when
        store.append("s", ExpectedVersion.noStream(), List.of(EventData.of("E", "{}")));
        store.close();
        store.close();
        // then
        assertThat(store.dialect()).isEqualTo(Dialect.h2());
    }

    @Test
    void closing_a_store_leaves_a_user_given_data_source_open() {
        // given
        HikariDataSource dataSource = H2TestDatabases.inMemory();
        JdbcEventStore store = JdbcEventStore.builder(dataSource).build();
        // when
        store.close();
        // then
        assertThat(dataSource.isClosed()).isFalse();
    }
}
