package dev.eventline.jdbc.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ConfigurationException;

/** Builds the HikariCP pool a store owns when it is created from a URL. */
public final class Pools {

    /** Enough for a handful of concurrent appenders and readers without crowding a small server. */
    public static final int DEFAULT_MAX_POOL_SIZE = 10;

    private Pools() {
    }

    /**
     * @param target the JDBC URL and credentials
     * @param poolName the pool's name (shown in thread names and metrics)
     * @return a started pool
     */
    public static HikariDataSource create(ConnectionUrls.Target target, String poolName) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(target.jdbcUrl());
        if (target.user() != null) {
            config.setUsername(target.user());
        }
        if (target.password() != null) {
            config.setPassword(target.password());
        }
        config.setPoolName(poolName);
        config.setMaximumPoolSize(DEFAULT_MAX_POOL_SIZE);
        // Fail fast instead of hanging a caller for Hikari's default 30 s when the database is away.
        config.setConnectionTimeout(10_000);
        if (target.jdbcUrl().startsWith("jdbc:postgresql:")) {
            // Lets the driver turn a batch of single-row INSERTs into multi-row INSERTs: few round trips per append.
            config.addDataSourceProperty("reWriteBatchedInserts", "true");
            // Server-side prepared statements from the first execution: appends and reads reuse a few statements.
            config.addDataSourceProperty("prepareThreshold", "1");
        }
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new ConfigurationException("Creating the connection pool failed (url: '"
                + ConnectionUrls.redact(target.jdbcUrl()) + "', error: " + e.getMessage() + "). Check the URL, the "
                + "credentials and that the database is reachable.", e);
        }
    }
}
