package dev.eventline.examples.bank;

import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** Starts the bank in-process on a free port, for tests. */
public final class RunningBank implements AutoCloseable {

    private final BankApp app;
    private final TestClient client;

    private RunningBank(BankApp app) {
        this.app = app;
        this.client = new TestClient(app.port());
    }

    /**
     * @param dataDir where the H2 database lives
     * @return the running bank on H2
     */
    public static RunningBank onH2(Path dataDir) throws Exception {
        var config = new BankConfig(0, BankConfig.h2Url(dataDir), null, null, dataDir, 5, "WARN");
        return new RunningBank(BankApp.start(config));
    }

    /**
     * @param jdbcUrl a PostgreSQL JDBC URL
     * @param user the user
     * @param password the password
     * @param dataDir unused by PostgreSQL
     * @return the running bank on PostgreSQL
     */
    public static RunningBank onPostgres(String jdbcUrl, String user, String password, Path dataDir) throws Exception {
        var config = new BankConfig(0, jdbcUrl, user, password, dataDir, 5, "WARN");
        return new RunningBank(BankApp.start(config));
    }

    /**
     * The database a reliability test runs the bank on, chosen by the system property
     * {@code eventline.b1.database}: {@code h2} (the default, the example's own database) or {@code postgres}.
     *
     * @param dataDir where the H2 database lives
     * @return the running bank
     */
    public static RunningBank onTestDatabase(Path dataDir) throws Exception {
        return switch (testDatabase()) {
            case "h2" -> onH2(dataDir);
            case "postgres" -> onPostgresSchema(dataDir);
            default -> throw new IllegalArgumentException("eventline.b1.database must be h2 or postgres, not '"
                + testDatabase() + "'");
        };
    }

    /** @return the database {@link #onTestDatabase} runs on: {@code h2} or {@code postgres} */
    public static String testDatabase() {
        return System.getProperty("eventline.b1.database", "h2");
    }

    /**
     * @param dataDir unused by PostgreSQL
     * @return the running bank in a fresh schema of the tests' shared PostgreSQL (embedded, or the server named by
     *     {@code EVENTLINE_TEST_PG_URL})
     */
    public static RunningBank onPostgresSchema(Path dataDir) throws Exception {
        return start(postgresConfig(PostgresTestServer.shared(), dataDir));
    }

    /**
     * Settings for a fresh schema on {@code server}, given in the brief's {@code postgresql://user:pass@host:port/db}
     * form when the server has a user, else as its JDBC URL.
     *
     * @param server the PostgreSQL server
     * @param dataDir unused by PostgreSQL
     * @return the settings, with the schema created
     */
    public static BankConfig postgresConfig(PostgresTestServer server, Path dataDir) throws SQLException {
        String schema = "bank_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        BankConfig base = new BankConfig(0, BankConfig.h2Url(dataDir), null, null, dataDir, 5, "WARN");
        String jdbcUrl = server.jdbcUrl();
        if (server.user() != null && jdbcUrl.startsWith("jdbc:postgresql://")) {
            String hostAndDb = jdbcUrl.substring("jdbc:postgresql://".length());
            String databaseUrl = "postgresql://" + server.user() + ":" + server.password() + "@" + hostAndDb
                + (hostAndDb.contains("?") ? "&" : "?") + "currentSchema=" + schema;
            return BankConfig.withDatabaseUrl(base, databaseUrl);
        }
        return BankConfig.withDatabaseUrl(base, jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "currentSchema="
            + schema);
    }

    /**
     * @param config the settings (port is replaced by a free one)
     * @return the running bank
     */
    public static RunningBank start(BankConfig config) throws Exception {
        return new RunningBank(BankApp.start(config.withPort(0)));
    }

    public BankApp app() {
        return app;
    }

    public TestClient http() {
        return client;
    }

    @Override
    public void close() {
        app.close();
    }
}
