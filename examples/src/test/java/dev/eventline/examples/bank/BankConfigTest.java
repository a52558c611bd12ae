package dev.eventline.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.ConfigurationException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BankConfigTest {

    @Test
    void defaults_follow_the_contract() {
        BankConfig config = BankConfig.fromEnvironment(Map.of());
        assertThat(config.port()).isEqualTo(8000);
        assertThat(config.snapshotFrequency()).isEqualTo(100);
        assertThat(config.logLevel()).isEqualTo("INFO");
        assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.jdbcUrl()).startsWith("jdbc:h2:file:").contains("data");
        assertThat(config.isPostgres()).isFalse();
    }

    @Test
    void the_briefs_postgresql_url_becomes_a_jdbc_url_with_credentials() {
        BankConfig config = BankConfig.fromEnvironment(Map.of("DATABASE_URL",
            "postgresql://user:p%40ss@db.example:5433/eventstore", "PORT", "9000", "SNAPSHOT_FREQUENCY", "50",
            "LOG_LEVEL", "debug"));
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/eventstore");
        assertThat(config.user()).isEqualTo("user");
        assertThat(config.password()).isEqualTo("p@ss");
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.snapshotFrequency()).isEqualTo(50);
        assertThat(config.logLevel()).isEqualTo("DEBUG");
        assertThat(config.isPostgres()).isTrue();
        assertThat(config.toString()).doesNotContain("p@ss");
    }

    @Test
    void a_jdbc_url_is_taken_as_it_is_and_a_host_without_port_is_kept() {
        assertThat(BankConfig.fromEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://h/db?ssl=true")).jdbcUrl())
            .isEqualTo("jdbc:postgresql://h/db?ssl=true");
        assertThat(BankConfig.fromEnvironment(Map.of("DATABASE_URL", "postgres://u:p@postgres/eventstore"))
            .jdbcUrl()).isEqualTo("jdbc:postgresql://postgres/eventstore");
    }

    @Test
    void malformed_settings_name_the_variable() {
        assertThatThrownBy(() -> BankConfig.fromEnvironment(Map.of("PORT", "eighty")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("PORT");
        assertThatThrownBy(() -> BankConfig.fromEnvironment(Map.of("DATABASE_URL", "mysql://x/y")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("DATABASE_URL");
        assertThatThrownBy(() -> BankConfig.fromEnvironment(Map.of("SNAPSHOT_FREQUENCY", "0")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("SNAPSHOT_FREQUENCY");
        assertThatThrownBy(() -> BankConfig.fromEnvironment(Map.of("LOG_LEVEL", "LOUD")))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("LOG_LEVEL");
    }
}
