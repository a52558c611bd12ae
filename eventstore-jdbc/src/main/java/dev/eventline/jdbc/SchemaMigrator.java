package dev.eventline.jdbc;

import dev.eventline.core.ConfigurationException;
import dev.eventline.jdbc.internal.Identifiers;
import dev.eventline.jdbc.internal.SqlErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and upgrades database tables from versioned SQL resources; reusable by every Eventline module.
 * <p>
 * A component (e.g. {@code "events"}, {@code "projections"}) keeps its scripts in
 * {@code <resourceFolder>/<dialect folder>/V<n>__<what>.sql} ({@link Dialect#folder()}: {@code postgres} or
 * {@code h2}). {@link #migrate} applies, in ascending {@code n}, every version not yet recorded for that component
 * in the {@code <prefix>schema_versions} table, and records it. Running it again does nothing; scripts are never
 * re-run, and a script whose text changed after it was applied is reported in a warning, not re-applied.
 * <p>
 * Scripts contain one statement per {@code ;} at the end of a line, {@code --} comment lines, and the placeholders
 * {@code ${schema}} (empty, or the schema name and a dot) and {@code ${prefix}} (the table prefix); both are
 * validated against {@code [a-z_][a-z0-9_]{0,62}}, so nothing else is ever spliced into SQL.
 * <p>
 * Several instances may start at once. On PostgreSQL the whole migration runs in one transaction holding an
 * advisory lock ({@code pg_advisory_xact_lock}) derived from the schema and prefix, so exactly one instance
 * applies each version and the others then see it recorded; DDL there is transactional, so a failed script leaves
 * nothing behind. H2 commits DDL implicitly, so its scripts must be idempotent ({@code IF NOT EXISTS}); a lock in
 * this JVM serializes migrations, and the version row is inserted once.
 * <p>
 * Thread-safety: stateless; safe for concurrent use.
 * <pre>{@code
 * SchemaMigrator.migrate(dataSource, Dialect.postgres(), "", "el_", "projections", "dev/eventline/projections");
 * }</pre>
 *
 * @since 0.1
 */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);
    private static final Pattern SCRIPT_NAME = Pattern.compile("V([0-9]{1,9})__([A-Za-z0-9_]+)\\.sql");
    private static final ReentrantLock H2_LOCK = new ReentrantLock();
    /** Namespaces Eventline's advisory locks so they do not collide with the application's. */
    private static final long LOCK_NAMESPACE = 0x456C4D6700000000L;

    static final String PG_VERSIONS_TABLE = """
        CREATE TABLE IF NOT EXISTS ${schema}${prefix}schema_versions (
            component text NOT NULL,
            version integer NOT NULL,
            description text NOT NULL,
            script_sha256 text NOT NULL,
            applied_at timestamp with time zone NOT NULL DEFAULT now(),
            CONSTRAINT ${prefix}schema_versions_pk PRIMARY KEY (component, version)
        )""";

    static final String H2_VERSIONS_TABLE = """
        CREATE TABLE IF NOT EXISTS ${schema}${prefix}schema_versions (
            component CHARACTER VARYING NOT NULL,
            version INTEGER NOT NULL,
            description CHARACTER VARYING NOT NULL,
            script_sha256 CHARACTER VARYING NOT NULL,
            applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP NOT NULL,
            CONSTRAINT ${prefix}schema_versions_pk PRIMARY KEY (component, version)
        )""";

    static final String APPLIED_VERSIONS = """
        SELECT version, script_sha256 FROM ${schema}${prefix}schema_versions WHERE component = ?""";

    static final String RECORD_VERSION = """
        INSERT INTO ${schema}${prefix}schema_versions (component, version, description, script_sha256)
        VALUES (?, ?, ?, ?)""";

    private SchemaMigrator() {
    }

    /**
     * One versioned script.
     *
     * @param version its version, {@code >= 1}
     * @param description the {@code <what>} part of its name
     * @param sql its text, placeholders not yet replaced
     */
    public record Migration(int version, String description, String sql) {
        /** Validates the fields. */
        public Migration {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(sql, "sql");
            if (version < 1) {
                throw new IllegalArgumentException("version must be >= 1 (version: " + version + ")");
            }
        }
    }

    /**
     * Applies a component's pending migrations in the connection's current schema.
     *
     * @see #migrate(DataSource, Dialect, String, String, String, String)
     * @param dataSource where to create the tables
     * @param dialect the database's dialect
     * @param tablePrefix the table prefix
     * @param component the component whose scripts these are
     * @param resourceFolder the class-path folder holding one sub-folder per dialect
     * @return the versions applied by this call, ascending (empty when the schema was up to date)
     */
    public static List<Integer> migrate(DataSource dataSource, Dialect dialect, String tablePrefix, String component,
                                        String resourceFolder) {
        return migrate(dataSource, dialect, "", tablePrefix, component, resourceFolder);
    }

    /**
     * Applies a component's pending migrations.
     *
     * @param dataSource where to create the tables
     * @param dialect the database's dialect
     * @param schema the schema to create the tables in (created if missing), or "" for the connection's current one
     * @param tablePrefix the table prefix, e.g. {@code "el_"}
     * @param component the component whose scripts these are, e.g. {@code "events"}
     * @param resourceFolder the class-path folder holding one sub-folder per dialect, e.g. {@code "dev/eventline/jdbc"}
     * @return the versions applied by this call, ascending (empty when the schema was up to date)
     * @throws ConfigurationException when a name is invalid or no scripts are found
     * @throws dev.eventline.core.StorageException when a script or the database fails
     */
    public static List<Integer> migrate(DataSource dataSource, Dialect dialect, String schema, String tablePrefix,
                                        String component, String resourceFolder) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(dialect, "dialect");
        Identifiers.check("schema", schema, true);
        Identifiers.checkPrefix(tablePrefix);
        Objects.requireNonNull(component, "component");
        List<Migration> migrations = migrations(dialect, resourceFolder);
        if (dialect instanceof PostgresDialect) {
            return migratePostgres(dataSource, schema, tablePrefix, component, migrations);
        } else if (dialect instanceof H2Dialect) {
            H2_LOCK.lock();
            try {
                return migrateH2(dataSource, schema, tablePrefix, component, migrations);
            } finally {
                H2_LOCK.unlock();
            }
        }
        throw new IllegalStateException("unexpected Dialect: " + dialect.getClass().getName());
    }

    /**
     * Renders a component's whole schema as SQL, for teams that apply DDL with Flyway or Liquibase.
     *
     * @param dialect the database's dialect
     * @param schema the schema, or "" for the connection's current one
     * @param tablePrefix the table prefix
     * @param resourceFolder the class-path folder holding one sub-folder per dialect
     * @return every script in version order, placeholders replaced, each headed by a comment naming it
     */
    public static String schemaSql(Dialect dialect, String schema, String tablePrefix, String resourceFolder) {
        Objects.requireNonNull(dialect, "dialect");
        Identifiers.check("schema", schema, true);
        Identifiers.checkPrefix(tablePrefix);
        StringBuilder out = new StringBuilder();
        if (!schema.isEmpty()) {
            out.append("CREATE SCHEMA IF NOT EXISTS ").append(schema).append(";\n\n");
        }
        for (Migration migration : migrations(dialect, resourceFolder)) {
            out.append("-- V").append(migration.version()).append("__").append(migration.description())
                .append(".sql\n").append(Identifiers.render(migration.sql(), schema, tablePrefix).strip())
                .append("\n\n");
        }
        return out.toString();
    }

    /**
     * Finds a component's scripts on the class path.
     *
     * @param dialect the dialect whose sub-folder to read
     * @param resourceFolder the class-path folder holding one sub-folder per dialect
     * @return the scripts in ascending version order
     * @throws ConfigurationException when there are none, or two share a version
     */
    public static List<Migration> migrations(Dialect dialect, String resourceFolder) {
        Objects.requireNonNull(resourceFolder, "resourceFolder");
        String folder = stripSlashes(resourceFolder) + "/" + dialect.folder();
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null || loader.getResource(folder) == null) {
            loader = SchemaMigrator.class.getClassLoader();
        }
        Map<String, String> names = new HashMap<>();
        try {
            Enumeration<URL> roots = loader.getResources(folder);
            while (roots.hasMoreElements()) {
                for (String name : list(roots.nextElement(), folder)) {
                    names.putIfAbsent(name, folder + "/" + name);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Listing migrations in " + folder + " failed", e);
        }
        TreeMap<Integer, Migration> byVersion = new TreeMap<>();
        for (Map.Entry<String, String> entry : names.entrySet()) {
            Matcher matcher = SCRIPT_NAME.matcher(entry.getKey());
            if (!matcher.matches()) {
                continue;
            }
            int version = Integer.parseInt(matcher.group(1));
            Migration migration = new Migration(version, matcher.group(2), read(loader, entry.getValue()));
            Migration clash = byVersion.put(version, migration);
            if (clash != null) {
                throw new ConfigurationException("Two migrations share version " + version + " in " + folder
                    + " (" + clash.description() + ", " + migration.description() + "). Renumber one.");
            }
        }
        if (byVersion.isEmpty()) {
            throw new ConfigurationException("No migrations found in class-path folder '" + folder + "'. Check the "
                + "folder name; scripts are named V<n>__<what>.sql.");
        }
        return List.copyOf(byVersion.values());
    }

    private static List<Integer> migratePostgres(DataSource dataSource, String schema, String prefix,
                                                 String component, List<Migration> migrations) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
                    lock.setLong(1, LOCK_NAMESPACE | ((schema + "." + prefix).hashCode() & 0xFFFFFFFFL));
                    lock.execute();
                }
                List<Integer> applied = apply(connection, schema, prefix, component, migrations, PG_VERSIONS_TABLE);
                connection.commit();
                return applied;
            } catch (SQLException | RuntimeException e) {
                rollback(connection, e);
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw SqlErrors.translate("Migrating the schema of component '" + component + "'", e);
        }
    }

    private static List<Integer> migrateH2(DataSource dataSource, String schema, String prefix, String component,
                                           List<Migration> migrations) {
        try (Connection connection = dataSource.getConnection()) {
            return apply(connection, schema, prefix, component, migrations, H2_VERSIONS_TABLE);
        } catch (SQLException e) {
            throw SqlErrors.translate("Migrating the schema of component '" + component + "'", e);
        }
    }

    private static List<Integer> apply(Connection connection, String schema, String prefix, String component,
                                       List<Migration> migrations, String versionsTable) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (!schema.isEmpty()) {
                statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            }
            statement.execute(Identifiers.render(versionsTable, schema, prefix));
        }
        Map<Integer, String> done = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(
            Identifiers.render(APPLIED_VERSIONS, schema, prefix))) {
            select.setString(1, component);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    done.put(rows.getInt(1), rows.getString(2));
                }
            }
        }
        List<Integer> applied = new ArrayList<>();
        for (Migration migration : migrations) {
            String sha = sha256(migration.sql());
            String recorded = done.get(migration.version());
            if (recorded != null) {
                if (!recorded.equals(sha)) {
                    LOG.warn("Migration V{}__{} of component '{}' changed after it was applied (recorded sha256: {}, "
                        + "now: {}); it is not re-run. Put schema changes in a new version.", migration.version(),
                        migration.description(), component, recorded, sha);
                }
                continue;
            }
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements(Identifiers.render(migration.sql(), schema, prefix))) {
                    statement.execute(sql);
                }
            }
            try (PreparedStatement record = connection.prepareStatement(
                Identifiers.render(RECORD_VERSION, schema, prefix))) {
                record.setString(1, component);
                record.setInt(2, migration.version());
                record.setString(3, migration.description());
                record.setString(4, sha);
                record.executeUpdate();
            } catch (SQLException e) {
                // H2 only (PostgreSQL holds the advisory lock): another JVM recorded it first; the scripts are
                // idempotent, so both runs left the same schema.
                if (!SqlErrors.isUniqueViolation(e) || !connection.getAutoCommit()) {
                    throw e;
                }
                continue;
            }
            applied.add(migration.version());
            LOG.info("Applied migration V{}__{} of component '{}'", migration.version(), migration.description(),
                component);
        }
        return applied;
    }

    /** Splits a script into statements: one per {@code ;} at the end of a line; {@code --} lines are dropped. */
    static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("--") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith(";")) {
                current.append(line, 0, line.lastIndexOf(';'));
                statements.add(current.toString().strip());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return statements;
    }

    private static List<String> list(URL root, String folder) throws IOException {
        if ("file".equals(root.getProtocol())) {
            try (Stream<Path> files = Files.list(Paths.get(root.toURI()))) {
                return files.map(path -> path.getFileName().toString()).toList();
            } catch (URISyntaxException e) {
                throw new IOException("bad folder URL " + root, e);
            }
        }
        if ("jar".equals(root.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) root.openConnection();
            connection.setUseCaches(false);
            List<String> names = new ArrayList<>();
            try (JarFile jar = connection.getJarFile()) {
                String prefix = folder + "/";
                for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0
                        && name.length() > prefix.length()) {
                        names.add(name.substring(prefix.length()));
                    }
                }
            }
            return names;
        }
        throw new ConfigurationException("Cannot list migrations at " + root + " (protocol: " + root.getProtocol()
            + "). Put them in a directory or a jar on the class path.");
    }

    private static String read(ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new ConfigurationException("Migration " + resource + " disappeared from the class path.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Reading migration " + resource + " failed", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JVM", e);
        }
    }

    private static String stripSlashes(String folder) {
        String result = folder;
        while (result.startsWith("/")) {
            result = result.substring(1);
        }
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static void rollback(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
