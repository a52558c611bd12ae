package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 5.4: "Rebuilding over 1,000,000 events uses bounded memory". A {@link RebuildMode#SHADOW} rebuild over a
 * million events runs in a child JVM whose heap ({@value #HEAP}) is far smaller than the events (their payloads
 * alone are ~90 MB, the {@code RecordedEvent}s several hundred): it completes, with the read model equal to a
 * recomputation. The control shows the test can fail: the same child with a projection that keeps every event it
 * sees runs out of heap. Each test prints a {@code [reliability]} line with the figures.
 */
@Tag("slow")
class RebuildMemoryTest {

    static final int EVENTS = 1_000_000;
    static final String HEAP = "-Xmx48m";
    private static final Pattern FIGURES = Pattern.compile(
        "applied=(\\d+) peakHeap=(\\d+) oldPeak=(\\d+) maxHeap=(\\d+) millis=(\\d+) cpuMillis=(\\d+) kept=(\\d+) (.*)");

    @Test
    void a_shadow_rebuild_over_a_million_postgres_events_runs_in_a_small_heap_where_keeping_the_events_dies()
        throws Exception {
        // given: a million events in the store's own tables, written server side in one statement
        PostgresTestServer server = PostgresTestServer.shared();
        String schema = server.newSchemaName();
        long began = System.nanoTime();
        try (HikariDataSource pool = server.dataSource(schema, 2)) {
            JdbcEventStore.builder(pool).build().createSchema();
            fill(pool);
            double fillSeconds = (System.nanoTime() - began) / 1e9;
            // when: the rebuild runs in a JVM with a 48 MB heap
            Run run = child("totals", "postgres", server.jdbcUrl(), String.valueOf(server.user()),
                String.valueOf(server.password()), schema);
            // then: it completes, every event applied once, and the read model equals a recomputation in SQL
            assertThat(run.exitCode).as(run.output).isZero();
            Matcher figures = run.figures();
            assertThat(Long.parseLong(figures.group(1))).isEqualTo(EVENTS);
            assertThat(figures.group(8)).contains("state=LIVE");
            Map<String, String> readModel = rows(pool, "SELECT stream_id, events || ':' || cents FROM stream_total");
            Map<String, String> recomputed = rows(pool, "SELECT stream_id, count(*) || ':' || sum(substring("
                + "convert_from(payload, 'UTF8') from '\"cents\":(\\d+)')::bigint) FROM el_events GROUP BY stream_id");
            assertThat(recomputed).hasSize(RebuildMemoryChild.STREAMS);
            assertThat(readModel).isEqualTo(recomputed);
            // and the control: the same child, whose projection keeps every event it sees, runs out of heap
            Run control = child("hoarding", "postgres", server.jdbcUrl(), String.valueOf(server.user()),
                String.valueOf(server.password()), schema);
            assertThat(control.exitCode).as(control.output).isNotZero();
            assertThat(control.output).contains("OutOfMemoryError").doesNotContain("done");
            System.out.printf("[reliability] issue 5.4 (PostgreSQL): SHADOW rebuild of %,d events (%d streams, "
                    + "~90-byte payloads, filled server side in %.1f s) in a child JVM with %s: completed in %.1f s "
                    + "(child CPU %.1f s), "
                    + "read model == SQL recomputation; peak heap used %.1f MB (sampled every 2 ms), old generation "
                    + "peak %.1f MB, max heap %.1f MB; control (projection keeping every event, same heap): %s after "
                    + "%.1f s; test %.1f s%n", EVENTS, RebuildMemoryChild.STREAMS, fillSeconds, HEAP,
                Long.parseLong(figures.group(5)) / 1e3, Long.parseLong(figures.group(6)) / 1e3, mb(figures.group(2)), mb(figures.group(3)),
                mb(figures.group(4)), control.outOfMemory(), control.seconds, (System.nanoTime() - began) / 1e9);
        } finally {
            try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    @Test
    void a_shadow_rebuild_over_a_million_generated_events_into_an_in_memory_read_model_runs_in_a_small_heap()
        throws Exception {
        // given: a log view that makes each event as it is read; when: the rebuild runs in a 48 MB heap
        long began = System.nanoTime();
        Run run = child("totals", "synthetic", String.valueOf(EVENTS));
        // then: it completes and the read model equals the closed-form totals
        assertThat(run.exitCode).as(run.output).isZero();
        Matcher figures = run.figures();
        assertThat(Long.parseLong(figures.group(1))).isEqualTo(EVENTS);
        assertThat(figures.group(8)).contains("state=LIVE").contains("matches=true");
        // and the control: keeping the events it sees, the same rebuild runs out of heap
        Run control = child("hoarding", "synthetic", String.valueOf(EVENTS));
        assertThat(control.exitCode).as(control.output).isNotZero();
        assertThat(control.output).contains("OutOfMemoryError").doesNotContain("done");
        System.out.printf("[reliability] issue 5.4 (in memory): SHADOW rebuild of %,d generated events into a "
                + "ReadModel in a child JVM with %s: completed in %.1f s (child CPU %.1f s), read model == recomputation; "
                + "peak heap used "
                + "%.1f MB, old generation peak %.1f MB; control (keeping every event): %s after %.1f s; test %.1f s%n",
            EVENTS, HEAP, Long.parseLong(figures.group(5)) / 1e3, Long.parseLong(figures.group(6)) / 1e3, mb(figures.group(2)), mb(figures.group(3)),
            control.outOfMemory(), control.seconds, (System.nanoTime() - began) / 1e9);
    }

    /**
     * Writes {@link #EVENTS} deposits as {@link RebuildMemoryChild} describes them: event {@code i} at position
     * {@code i}, in stream {@code s-(i % 1000)} at version {@code (i - 1) / 1000 + 1}, all from this transaction
     * (one {@code tx_id}, below every later reader's horizon once committed), plus the stream head rows and the
     * position sequence. Checksums are placeholders: the read path does not verify them (verify() would fail).
     */
    private static void fill(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            // a test schema: skipping the write-ahead log for the million rows saves most of the fill's time
            statement.execute("ALTER TABLE el_events SET UNLOGGED");
            connection.setAutoCommit(false);
            statement.execute("""
                INSERT INTO el_events (global_position, tx_id, stream_id, stream_version, event_id, event_type,
                    schema_version, recorded_at, payload, metadata, checksum)
                SELECT i, pg_current_xact_id()::text::bigint, 's-' || mod(i, 1000), (i - 1) / 1000 + 1,
                    ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'MoneyDeposited', 1, now(),
                    convert_to('{"cents":' || mod(i, 997) || ',"memo":"%s"}', 'UTF8'), NULL, lpad(to_hex(i), 64, '0')
                FROM generate_series(1, %d) i""".formatted(RebuildMemoryChild.MEMO, EVENTS));
            statement.execute("""
                INSERT INTO el_streams (stream_id, stream_version, last_checksum)
                SELECT 's-' || s, %d, lpad(to_hex(CASE WHEN s = 0 THEN %d ELSE %d + s END), 64, '0')
                FROM generate_series(0, 999) s""".formatted(EVENTS / 1000, EVENTS, EVENTS - 1000));
            statement.execute("SELECT setval('el_events_position_seq', " + EVENTS + ")");
            connection.commit();
            connection.setAutoCommit(true);
            statement.execute("ANALYZE el_events");
        }
    }

    private static Map<String, String> rows(HikariDataSource pool, String sql) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            while (result.next()) {
                rows.put(result.getString(1), result.getString(2));
            }
        }
        return rows;
    }

    private static double mb(String bytes) {
        return Long.parseLong(bytes) / (1024.0 * 1024.0);
    }

    private record Run(int exitCode, String output, double seconds) {

        Matcher figures() {
            Matcher matcher = FIGURES.matcher(output);
            assertThat(matcher.find()).as(output).isTrue();
            return matcher;
        }

        String outOfMemory() {
            return output.contains("OutOfMemoryError") ? "OutOfMemoryError, exit code " + exitCode
                : "exit code " + exitCode;
        }
    }

    /** Runs {@link RebuildMemoryChild} in a JVM with {@link #HEAP}, the same java and class path as this one. */
    private static Run child(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), HEAP, "-XX:+UseSerialGC",
            "-XX:+ExitOnOutOfMemoryError", "-Xss512k", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path"), RebuildMemoryChild.class.getName()));
        command.addAll(List.of(args));
        long began = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                in.transferTo(output);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "rebuild-child-output");
        drain.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        drain.join(10_000);
        double seconds = (System.nanoTime() - began) / 1e9;
        String text = output.toString(StandardCharsets.UTF_8);
        int exit = process.isAlive() ? -1 : process.exitValue();
        return new Run(exit, text, seconds);
    }
}
