package dev.eventline.examples.bank;

import dev.eventline.examples.bank.http.TestClient;
import java.nio.file.Path;

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
