package dev.eventline.examples.bank;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventStore;
import dev.eventline.core.command.CommandBus;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.jdbc.command.JdbcIdempotencyStore;
import dev.eventline.examples.bank.app.AggregateHandler;
import dev.eventline.examples.bank.app.AggregateHandlers;
import dev.eventline.examples.bank.app.BankMetrics;
import dev.eventline.examples.bank.app.BankQueries;
import dev.eventline.examples.bank.app.BankService;
import dev.eventline.examples.bank.app.EventCodec;
import dev.eventline.examples.bank.app.Health;
import dev.eventline.examples.bank.app.RecentPositions;
import dev.eventline.examples.bank.http.HttpApi;
import dev.eventline.examples.bank.readmodel.BankProjection;
import dev.eventline.examples.bank.readmodel.ReadModel;
import dev.eventline.examples.bank.readmodel.ReadModels;
import dev.eventline.projections.JdbcCheckpointStore;
import dev.eventline.projections.ProjectionRunner;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.LoggerFactory;

/**
 * The bank example application: wires Eventline's parts in plain code and serves the HTTP API.
 * <p>
 * Read {@link #start} top to bottom to see how a host application wires the library: a database, the event
 * store, the event type registry, one repository per aggregate, the read models and their runner, the
 * idempotency records, metrics, and the HTTP routes.
 * <p>
 * Thread-safety: {@link #close()} is idempotent and safe from any thread (it runs as the shutdown hook).
 */
public final class BankApp implements AutoCloseable {

    private final BankComponents components;
    private final Javalin http;
    private final List<AutoCloseable> resources;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BankApp(BankComponents components, Javalin http, List<AutoCloseable> resources) {
        this.components = components;
        this.http = http;
        this.resources = resources;
    }

    /**
     * Starts the bank with settings from the environment ({@code PORT}, {@code DATABASE_URL}, {@code DATA_DIR},
     * {@code SNAPSHOT_FREQUENCY}, {@code LOG_LEVEL}) and runs until the JVM stops.
     *
     * @param args ignored; configuration comes from the environment
     */
    public static void main(String[] args) {
        BankConfig config;
        try {
            config = BankConfig.fromEnvironment(System.getenv());
        } catch (RuntimeException e) {
            System.err.println("Eventline bank example: bad configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        configureLogging(config.logLevel());
        BankApp app;
        try {
            app = start(config);
        } catch (Exception e) {
            LoggerFactory.getLogger(BankApp.class).error("Eventline bank example failed to start: {}",
                e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "eventline-bank-shutdown"));
    }

    /**
     * Sets slf4j-simple's levels; must run before the first logger is created (slf4j-simple reads them once).
     *
     * @param level the default level
     */
    static void configureLogging(String level) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level.toLowerCase(Locale.ROOT));
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        if (!level.equalsIgnoreCase("DEBUG") && !level.equalsIgnoreCase("TRACE")) {
            // Keep start-up to the one "ready" line: these libraries announce themselves at INFO.
            setIfAbsent("org.slf4j.simpleLogger.log.io.javalin", "warn");
            setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
            setIfAbsent("org.slf4j.simpleLogger.log.com.zaxxer.hikari", "warn");
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Wires and starts the application.
     *
     * @param config the settings
     * @return the running application
     * @throws Exception when the database cannot be opened or the port is taken
     */
    public static BankApp start(BankConfig config) throws Exception {
        var resources = new ArrayList<AutoCloseable>();
        try {
            // 1. The database: an H2 file under DATA_DIR by default, PostgreSQL when DATABASE_URL says so.
            HikariDataSource dataSource = openDatabase(config);
            resources.add(dataSource);

            // 2. The event store on that database, and the registry of event type names.
            var idempotency = JdbcIdempotencyStore.builder(dataSource).build();
            idempotency.createSchema();
            EventStore store = Storage.openEventStore(config, dataSource, resources, idempotency);
            EventCodec codec = new EventCodec(BankDomain.kinds());

            // 3. One repository (load, decide, append, snapshots) per aggregate kind.
            SnapshotStore snapshots = Storage.openSnapshotStore(config, dataSource);
            List<AggregateHandler> handlers = AggregateHandlers.create(BankDomain.kinds(), store, codec, snapshots,
                config.snapshotFrequency());

            // 4. The four read models as projections on JDBC tables: each batch of rows commits with its
            //    checkpoint; rebuilds fill shadow tables while queries keep reading the live ones.
            var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            var checkpoints = JdbcCheckpointStore.builder(dataSource).build();
            checkpoints.createSchema();
            ProjectionRunner.Builder runnerBuilder = ProjectionRunner.builder(store)
                .checkpoints(checkpoints)
                .meterRegistry(registry);
            for (ReadModel model : ReadModels.bankModels()) {
                runnerBuilder.register(new BankProjection(model, codec::decode));
            }
            ProjectionRunner runner = runnerBuilder.build();
            resources.add(runner);
            runner.start();
            var projections = new ReadModels(runner, checkpoints);

            // 5. Metrics and the application services (the idempotency records were opened with the store).
            var metrics = new BankMetrics(registry);
            var positions = new RecentPositions();
            CommandBus commands = AggregateHandlers.commandBus(handlers, registry, idempotency);
            resources.add(commands);
            var service = new BankService(store, codec, handlers, commands, projections, positions, metrics);
            var queries = new BankQueries(store, dataSource, projections, projections, positions, metrics,
                registry);
            resources.add(queries);
            var components = new BankComponents(config, store, dataSource, codec, commands, service, queries,
                projections, metrics);

            // 6. The HTTP API, with any extension modules (sagas), on PORT.
            var api = new HttpApi(service, queries, projections, new Health(store, dataSource, projections), registry,
                HttpApi.DEFAULT_MAX_BODY_BYTES);
            Javalin http = api.create(BankExtensions.modules(components));
            http.start(config.port());
            var app = new BankApp(components, http, resources);
            LoggerFactory.getLogger(BankApp.class).info("Eventline bank example ready on port {} ({})", app.port(),
                config.isPostgres() ? "PostgreSQL" : "H2 file database in " + config.dataDir().toAbsolutePath()
                    .normalize());
            return app;
        } catch (Exception | Error e) {
            closeAll(resources, e);
            throw e;
        }
    }

    private static HikariDataSource openDatabase(BankConfig config) throws IOException {
        if (config.jdbcUrl().startsWith("jdbc:h2:file:")) {
            Files.createDirectories(config.dataDir());
        }
        var hikari = new HikariConfig();
        hikari.setJdbcUrl(config.jdbcUrl());
        if (config.user() != null) {
            hikari.setUsername(config.user());
        }
        if (config.password() != null) {
            hikari.setPassword(config.password());
        }
        hikari.setPoolName("eventline-bank");
        hikari.setMaximumPoolSize(16);
        hikari.setMinimumIdle(2);
        // Fail fast when the database is down: requests answer 503 within seconds instead of hanging.
        hikari.setConnectionTimeout(3_000);
        hikari.setValidationTimeout(2_000);
        hikari.setInitializationFailTimeout(10_000);
        return new HikariDataSource(hikari);
    }

    /** @return the HTTP port the application listens on */
    public int port() {
        return http.port();
    }

    /** @return the wired parts */
    public BankComponents components() {
        return components;
    }

    /** @return the data directory of the H2 database */
    public Path dataDir() {
        return components.config().dataDir();
    }

    /** Stops the HTTP server, the read models' runner and the database pool. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        RuntimeException failure = new RuntimeException("closing the bank application failed");
        try {
            http.stop();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        closeAll(resources, failure);
        if (failure.getSuppressed().length > 0) {
            throw failure;
        }
    }

    private static void closeAll(List<AutoCloseable> resources, Throwable failure) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                failure.addSuppressed(e);
            }
        }
    }
}
