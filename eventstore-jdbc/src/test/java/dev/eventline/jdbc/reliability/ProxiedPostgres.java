package dev.eventline.jdbc.reliability;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;

/**
 * A fresh schema on the shared test PostgreSQL, reachable two ways: directly (to check what was stored) and
 * through a {@link FaultProxy} (for the code under test), with the driver and pool timeouts the fault tests rely on.
 */
final class ProxiedPostgres implements AutoCloseable {

    /** The driver's socket timeout: a read that waits longer fails the connection. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(2);
    /** The pool's wait for a connection. */
    static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

    final HikariDataSource direct;
    final HikariDataSource proxied;
    final FaultProxy proxy;
    final JdbcEventStore directStore;
    final JdbcEventStore store;
    private String schema;

    ProxiedPostgres(int poolSize) throws IOException {
        PostgresTestServer server = PostgresTestServer.shared();
        direct = server.newSchema(2);
        schema = direct.getDataSourceProperties().getProperty("currentSchema");
        URI uri = URI.create(server.jdbcUrl().substring("jdbc:".length()));
        proxy = new FaultProxy(uri.getHost(), uri.getPort());
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + proxy.port() + uri.getPath());
        if (server.user() != null) {
            config.setUsername(server.user());
            config.setPassword(server.password());
        }
        config.setPoolName("proxied-" + schema);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(1_000);
        config.addDataSourceProperty("currentSchema", schema);
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("loginTimeout", "3");
        config.addDataSourceProperty("sslmode", "disable");
        config.addDataSourceProperty("ApplicationName", applicationName());
        // Without server-side prepared statements every COMMIT carries its text, which the proxy looks for.
        config.addDataSourceProperty("prepareThreshold", "0");
        proxied = new HikariDataSource(config);
        directStore = JdbcEventStore.builder(direct).dialect(Dialect.postgres()).build();
        directStore.createSchema();
        store = JdbcEventStore.builder(proxied).dialect(Dialect.postgres()).build();
    }

    /** @return the application name of the proxied pool's sessions, to find their backends in pg_stat_activity */
    String applicationName() {
        return "fault-test-" + schema;
    }

    @Override
    public void close() {
        proxy.close();
        proxied.close();
        direct.close();
    }
}
