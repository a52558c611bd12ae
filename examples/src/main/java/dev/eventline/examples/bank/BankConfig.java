package dev.eventline.examples.bank;

import dev.eventline.core.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The bank application's settings, read from the environment.
 *
 * @param port the HTTP port ({@code PORT}, default 8000; 0 picks a free one)
 * @param jdbcUrl the JDBC URL of the database (from {@code DATABASE_URL}; unset: an H2 file database under
 *     {@code DATA_DIR})
 * @param user the database user, or null
 * @param password the database password, or null
 * @param dataDir where the H2 database lives ({@code DATA_DIR}, default {@code ./data})
 * @param snapshotFrequency take a snapshot every this many events ({@code SNAPSHOT_FREQUENCY}, default 100)
 * @param logLevel the log level ({@code LOG_LEVEL}, default {@code INFO})
 */
public record BankConfig(int port, String jdbcUrl, String user, String password, Path dataDir,
                         int snapshotFrequency, String logLevel) {

    /** The brief's port. */
    public static final int DEFAULT_PORT = 8000;
    /** The brief's snapshot frequency. */
    public static final int DEFAULT_SNAPSHOT_FREQUENCY = 100;
    /** Where the H2 database goes by default: beside the working directory. */
    public static final String DEFAULT_DATA_DIR = "./data";

    /** Validates the settings. */
    public BankConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(logLevel, "logLevel");
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("PORT must be between 0 and 65535 (PORT: " + port + ")");
        }
        if (snapshotFrequency < 1) {
            throw new ConfigurationException("SNAPSHOT_FREQUENCY must be 1 or more (SNAPSHOT_FREQUENCY: "
                + snapshotFrequency + ")");
        }
    }

    /** @return true when the database is PostgreSQL */
    public boolean isPostgres() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    /**
     * @param env the environment ({@link System#getenv()})
     * @return the settings
     * @throws ConfigurationException when a variable is malformed, naming it
     */
    public static BankConfig fromEnvironment(Map<String, String> env) {
        int port = integer(env, "PORT", DEFAULT_PORT);
        Path dataDir = Path.of(value(env, "DATA_DIR", DEFAULT_DATA_DIR));
        int snapshots = integer(env, "SNAPSHOT_FREQUENCY", DEFAULT_SNAPSHOT_FREQUENCY);
        String logLevel = value(env, "LOG_LEVEL", "INFO").trim().toUpperCase(Locale.ROOT);
        if (!logLevel.matches("TRACE|DEBUG|INFO|WARN|ERROR|OFF")) {
            throw new ConfigurationException("LOG_LEVEL must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF "
                + "(LOG_LEVEL: " + logLevel + ")");
        }
        String databaseUrl = env.get("DATABASE_URL");
        if (databaseUrl == null || databaseUrl.isBlank()) {
            return new BankConfig(port, h2Url(dataDir), null, null, dataDir, snapshots, logLevel);
        }
        return withDatabaseUrl(new BankConfig(port, h2Url(dataDir), null, null, dataDir, snapshots, logLevel),
            databaseUrl.trim());
    }

    /**
     * @param dataDir the data directory
     * @return the JDBC URL of the H2 file database there
     */
    public static String h2Url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("eventline") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * @param config settings to copy
     * @param databaseUrl {@code postgresql://user:pass@host:port/db}, {@code postgres://…} or a
     *     {@code jdbc:postgresql://…} / {@code jdbc:h2:…} URL
     * @return the settings with that database
     */
    public static BankConfig withDatabaseUrl(BankConfig config, String databaseUrl) {
        String jdbcUrl;
        String user = null;
        String password = null;
        if (databaseUrl.startsWith("jdbc:postgresql:") || databaseUrl.startsWith("jdbc:h2:")) {
            jdbcUrl = databaseUrl;
        } else if (databaseUrl.startsWith("postgresql://") || databaseUrl.startsWith("postgres://")) {
            URI uri;
            try {
                uri = new URI(databaseUrl);
            } catch (URISyntaxException e) {
                throw new ConfigurationException("DATABASE_URL is not a valid URL (at index " + e.getIndex()
                    + "). Use postgresql://user:pass@host:port/db.");
            }
            if (uri.getHost() == null) {
                throw new ConfigurationException("DATABASE_URL has no host. Use postgresql://user:pass@host:port/db.");
            }
            String userInfo = uri.getRawUserInfo();
            if (userInfo != null) {
                int colon = userInfo.indexOf(':');
                user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
                password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            jdbcUrl = "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        } else {
            throw new ConfigurationException("DATABASE_URL must start with postgresql://, postgres://, "
                + "jdbc:postgresql: or jdbc:h2: (it starts with '" + databaseUrl.substring(0,
                Math.min(12, databaseUrl.length())) + "'). Unset it to use the embedded H2 database.");
        }
        return new BankConfig(config.port(), jdbcUrl, user, password, config.dataDir(), config.snapshotFrequency(),
            config.logLevel());
    }

    /**
     * @param port the new port
     * @return a copy with that port
     */
    public BankConfig withPort(int port) {
        return new BankConfig(port, jdbcUrl, user, password, dataDir, snapshotFrequency, logLevel);
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static String value(Map<String, String> env, String name, String defaultValue) {
        String value = env.get(name);
        return value == null || value.isBlank() ? defaultValue : value;
    }

    private static int integer(Map<String, String> env, String name, int defaultValue) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigurationException(name + " must be an integer (" + name + ": " + value + ")");
        }
    }

    @Override
    public String toString() {
        return "BankConfig[port=" + port + ", jdbcUrl=" + jdbcUrl + ", user=" + user + ", password="
            + (password == null ? "null" : "***") + ", dataDir=" + dataDir + ", snapshotFrequency="
            + snapshotFrequency + ", logLevel=" + logLevel + "]";
    }
}
