package dev.eventline.jdbc.testing;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Fresh H2 databases for tests: in memory, or in files under a temporary directory.
 * <p>
 * URLs carry {@code LOCK_TIMEOUT=10000}: H2's default of 1 s is too short when many writers queue for the lock
 * that serializes appends on a loaded 2-core machine. Pools and temporary files are removed by a shutdown hook.
 * <p>
 * Thread-safety: safe for concurrent use.
 * <pre>{@code
 * DataSource dataSource = H2TestDatabases.inMemory();
 * }</pre>
 */
public final class H2TestDatabases {

    /** Appended to every URL; see the class comment. */
    public static final String SETTINGS = ";LOCK_TIMEOUT=10000";

    private static final AtomicLong COUNTER = new AtomicLong();
    private static final List<HikariDataSource> POOLS = new ArrayList<>();
    private static final List<Path> DIRECTORIES = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(H2TestDatabases::shutdown, "h2-test-shutdown"));
    }

    private H2TestDatabases() {
    }

    /** @return a pool on a new, empty in-memory database that lives until the JVM exits */
    public static HikariDataSource inMemory() {
        return pool("jdbc:h2:mem:el_test_" + COUNTER.incrementAndGet() + ";DB_CLOSE_DELAY=-1" + SETTINGS, 8);
    }

    /** @return a pool on a new, empty file database in a temporary directory deleted when the JVM exits */
    public static HikariDataSource inTempFile() {
        try {
            Path directory = Files.createTempDirectory("eventline-h2-");
            synchronized (DIRECTORIES) {
                DIRECTORIES.add(directory);
            }
            return file(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param directory the directory holding the database files (created or reopened)
     * @return a pool on the file database {@code <directory>/eventline}
     */
    public static HikariDataSource file(Path directory) {
        return pool("jdbc:h2:file:" + directory.toAbsolutePath().resolve("eventline") + SETTINGS, 8);
    }

    /**
     * @param url an H2 URL
     * @param poolSize the most connections
     * @return a pool on it, closed by the shutdown hook
     */
    public static HikariDataSource pool(String url, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("sa");
        config.setPassword("");
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("h2-test-" + COUNTER.incrementAndGet());
        HikariDataSource pool = new HikariDataSource(config);
        synchronized (POOLS) {
            POOLS.add(pool);
        }
        return pool;
    }

    private static void shutdown() {
        synchronized (POOLS) {
            POOLS.forEach(HikariDataSource::close);
        }
        synchronized (DIRECTORIES) {
            for (Path directory : DIRECTORIES) {
                try (Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (IOException e) {
                    System.err.println("Deleting " + directory + " failed: " + e);
                }
            }
        }
    }
}
