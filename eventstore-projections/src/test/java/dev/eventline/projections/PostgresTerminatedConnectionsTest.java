package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStoreException;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import dev.eventline.jdbc.testing.TestThreads;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * F-2 of RELIABILITY.md beyond the writers (those are {@code reliability.TerminatedBackendsTest} in
 * eventstore-jdbc): {@code pg_terminate_backend} hits, in turn, the connections of writers, of a subscriber tailing
 * {@code readAll}, and of a {@link ProjectionRunner} on a {@link JdbcCheckpointStore}; and a SIGKILL of one backend
 * makes the postmaster end every backend and run crash recovery. Throughout, the projection's checkpoint is never
 * ahead of its read model (sampled: every event up to the checkpoint is in the read model); afterwards every
 * acknowledged append is stored once and whole, the subscriber saw every event once in log order, and the read
 * model holds every event once with the checkpoint at the last one.
 * <p>
 * Runs on the durable test server ({@code fsync=on}, {@code synchronous_commit=on}): with {@code
 * synchronous_commit=off} a crash-restart may drop commits already acknowledged, which is PostgreSQL's documented
 * trade-off, not a fault of the store.
 * <p>
 * CI: K = 50 terminations and 2 backend SIGKILLs; extended: 1,000 and 20.
 */
@Tag("slow")
class PostgresTerminatedConnectionsTest {

    private static final boolean EXTENDED = Boolean.getBoolean("eventline.extended");
    /** Terminated backends: the plan's CI size (50), and its extended size. */
    private static final int TERMINATIONS = EXTENDED ? 1_000 : 50;
    /** SIGKILLs of one backend (each a crash-restart of the whole server: about 2 s here). */
    private static final int BACKEND_KILLS = EXTENDED ? 20 : 2;
    private static final String NAME = "f2_applied";
    private static final String[] ROLES = {"writer", "subscriber", "projector"};

    private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong failedCalls = new AtomicLong();

    @Test
    void terminated_writer_subscriber_and_projector_connections_and_a_crashed_backend_lose_and_double_nothing()
        throws Exception {
        PostgresTestServer server = PostgresTestServer.durable();
        HikariDataSource admin = server.newSchema(2);
        String schema = admin.getDataSourceProperties().getProperty("currentSchema");
        JdbcEventStore adminStore = JdbcEventStore.builder(admin).dialect(Dialect.postgres()).build();
        adminStore.createSchema();
        JdbcCheckpointStore adminCheckpoints = CheckpointStore.jdbc(admin);
        adminCheckpoints.createSchema();
        try (HikariDataSource writerPool = pool(server, schema, 2, "writer");
             HikariDataSource subscriberPool = pool(server, schema, 1, "subscriber");
             HikariDataSource projectorPool = pool(server, schema, 3, "projector");
             ProjectionRunner runner = ProjectionRunner.builder(JdbcEventStore.builder(projectorPool)
                     .dialect(Dialect.postgres()).build())
                 .checkpoints(CheckpointStore.jdbc(projectorPool)).register(projection()).batchSize(100)
                 .pollInterval(Duration.ofMillis(20)).leaseTimeout(Duration.ofSeconds(30)).build()) {
            // given: two writers, a subscriber and a projector, each on its own pool
            JdbcEventStore writerStore = JdbcEventStore.builder(writerPool).dialect(Dialect.postgres()).build();
            JdbcEventStore subscriberStore = JdbcEventStore.builder(subscriberPool).dialect(Dialect.postgres())
                .build();
            List<List<UUID>> acknowledged = new ArrayList<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<LogPosition> target = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int writer = w;
                writers.add(TestThreads.start("f2-writer-" + w, failures,
                    () -> write(writerStore, writer, writing, acknowledged)));
            }
            List<UUID> seen = new ArrayList<>();
            Thread subscriber = TestThreads.start("f2-subscriber", failures,
                () -> follow(subscriberStore, target, seen));
            runner.start();
            long began = System.nanoTime();
            // when: K terminations, round-robin over the roles, and a few SIGKILLs of one backend
            int[] terminated = new int[ROLES.length];
            int killed = 0;
            long samples = 0;
            LogPosition checkedUpTo = LogPosition.START;
            Random random = new Random(5);
            int total = 0;
            int attempts = 0;
            while (total < TERMINATIONS && failures.isEmpty() && attempts++ < TERMINATIONS * 20) {
                Thread.sleep(30 + random.nextInt(60));
                int role = attempts % ROLES.length;
                if (terminate(server, schema, ROLES[role])) {
                    terminated[role]++;
                    total++;
                }
                if (killed < BACKEND_KILLS && total >= (killed + 1) * TERMINATIONS / (BACKEND_KILLS + 1)) {
                    killOneBackend(server, schema);
                    killed++;
                }
                if (attempts % 10 == 0) {
                    checkedUpTo = assertCheckpointNotAhead(adminStore, adminCheckpoints, admin, checkedUpTo);
                    samples++;
                }
            }
            Thread.sleep(500);
            writing.set(false);
            for (Thread writer : writers) {
                writer.join(60_000);
                assertThat(writer.isAlive()).isFalse();
            }
            long expectedEvents;
            synchronized (acknowledged) {
                expectedEvents = acknowledged.stream().mapToLong(List::size).sum();
            }
            // the log is complete once no transaction holds it back: wait for every acknowledged event
            Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> adminStore.readAll(LogPosition.START).count() >= expectedEvents);
            List<RecordedEvent> log = adminStore.readAll(LogPosition.START).toList();
            target.set(log.get(log.size() - 1).position());
            subscriber.join(60_000);
            assertThat(subscriber.isAlive()).isFalse();
            assertThat(failures).isEmpty();
            // then
            assertThat(total).isEqualTo(TERMINATIONS);
            assertThat(terminated).as("terminations per role").doesNotContain(0);
            assertThat(killed).isEqualTo(BACKEND_KILLS);
            Set<UUID> logIds = new HashSet<>();
            log.forEach(e -> assertThat(logIds.add(e.eventId())).as("stored once").isTrue());
            long acknowledgedEvents = 0;
            // hash lookups and list equality: AssertJ's containsAll on a set and containsExactlyElementsOf scan,
            // quadratic in the log (at the extended size these checks alone ran for many minutes)
            List<UUID> lost = new ArrayList<>();
            for (List<UUID> batch : acknowledged) {
                batch.stream().filter(id -> !logIds.contains(id)).forEach(lost::add);
                acknowledgedEvents += batch.size();
            }
            assertThat(lost).as("acknowledged but not in the log").isEmpty();
            assertThat((long) log.size()).isEqualTo(acknowledgedEvents);
            assertThat(seen).isEqualTo(log.stream().map(RecordedEvent::eventId).toList());
            LogPosition last = log.get(log.size() - 1).position();
            var caughtUp = ProjectionFaultsContract.awaitWhileMoving(runner, NAME, last, adminCheckpoints);
            assertThat(caughtUp.reached()).as("%s: %s", caughtUp, runner.status(NAME)).isTrue();
            assertThat(appliedIds(admin)).isEqualTo(logIds);
            assertThat(adminCheckpoints.load(NAME)).isEqualTo(last);
            assertCheckpointNotAhead(adminStore, adminCheckpoints, admin, checkedUpTo);
            System.out.println("[reliability] F-2 connections (" + (EXTENDED ? "extended" : "ci") + "): "
                + acknowledged.size() + " logical appends (" + log.size() + " events) written and checked; "
                + terminated[0] + " writer, " + terminated[1] + " subscriber and " + terminated[2]
                + " projector backends terminated, " + killed + " backends SIGKILLed (crash-restarts); "
                + failedCalls + " failed calls retried; checkpoint never ahead of the read model in " + (samples + 1)
                + " samples; 0 lost, 0 duplicated, 0 partial, 0 reordered; "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThat(failedCalls.get()).as("the faults were felt").isPositive();
        } finally {
            admin.close();
        }
    }

    /**
     * Every event up to the checkpoint must be in the read model: the checkpoint is read first, the rows after.
     * Read-model rows are never deleted, so each sample checks only the events after the previous sample's
     * checkpoint (the whole log would make the samples slower and slower).
     *
     * @return the checkpoint checked up to
     */
    private static LogPosition assertCheckpointNotAhead(JdbcEventStore store, JdbcCheckpointStore checkpoints,
                                                        HikariDataSource admin, LogPosition checkedUpTo)
        throws SQLException {
        LogPosition checkpoint = retrying(() -> checkpoints.load(NAME));
        List<RecordedEvent> upTo = retrying(() -> store.readAll(checkedUpTo)
            .takeWhile(e -> !e.position().isAfter(checkpoint)).toList());
        Set<UUID> applied = retrying(() -> appliedIds(admin, upTo));
        // one pass with hash lookups: AssertJ's contains on a set scans the set, quadratic in the window (at the
        // extended size the test stalled in these samples while the writers kept growing the window)
        List<LogPosition> missing = upTo.stream().filter(e -> !applied.contains(e.eventId()))
            .map(RecordedEvent::position).toList();
        assertThat(missing).as("events up to checkpoint %s missing from the read model", checkpoint).isEmpty();
        return checkpoint.isAfter(checkedUpTo) ? checkpoint : checkedUpTo;
    }

    private static Set<UUID> appliedIds(HikariDataSource pool, List<RecordedEvent> events) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection connection = pool.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT event_id FROM f2_applied WHERE event_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("uuid",
                events.stream().map(RecordedEvent::eventId).toArray()));
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return ids;
    }

    private static Projection projection() {
        return Projection.builder(NAME)
            .tables("f2_applied")
            .setUp(tx -> {
                try (Statement statement = tx.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + tx.table("f2_applied")
                        + " (event_id UUID PRIMARY KEY)");
                }
            })
            .on("Written", (event, tx) -> {
                try (PreparedStatement insert = tx.connection().prepareStatement("INSERT INTO "
                    + tx.table("f2_applied") + " (event_id) VALUES (?)")) {
                    insert.setObject(1, event.eventId());
                    insert.executeUpdate();
                }
            })
            .build();
    }

    private void write(JdbcEventStore store, int writer, AtomicBoolean writing, List<List<UUID>> acknowledged) {
        Random random = new Random(writer);
        while (writing.get()) {
            String stream = "f2-" + writer + "-" + random.nextInt(8);
            List<EventData> batch = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(50); i < n; i++) {
                batch.add(EventData.of("Written", "{\"i\":" + i + "}"));
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    AppendResult result = store.append(stream, ExpectedVersion.any(), batch);
                    assertThat(result.events()).extracting(RecordedEvent::eventId)
                        .containsExactlyElementsOf(batch.stream().map(EventData::eventId).toList());
                    synchronized (acknowledged) {
                        acknowledged.add(batch.stream().map(EventData::eventId).toList());
                    }
                    // a steady load, not a flood: keeps the log (and the checks) a size a loaded machine handles
                    TestThreads.sleep(5);
                    break;
                } catch (EventStoreException e) {
                    assertThat(e.isRetryable()).as("%s", e).isTrue();
                    failedCalls.incrementAndGet();
                    if (attempt == 300) {
                        throw e;
                    }
                    TestThreads.sleep(20);
                }
            }
        }
    }

    private void follow(JdbcEventStore store, AtomicReference<LogPosition> target, List<UUID> seen) {
        LogPosition cursor = LogPosition.START;
        while (true) {
            List<RecordedEvent> page;
            try {
                page = store.readAll(cursor, 100);
            } catch (EventStoreException e) {
                assertThat(e.isRetryable()).as("%s", e).isTrue();
                failedCalls.incrementAndGet();
                TestThreads.sleep(20);
                continue;
            }
            for (RecordedEvent event : page) {
                assertThat(event.position().isAfter(cursor)).isTrue();
                seen.add(event.eventId());
                cursor = event.position();
            }
            if (page.isEmpty()) {
                // an empty page is not the end on PostgreSQL: an open transaction anywhere holds the log back
                LogPosition end = target.get();
                if (end != null && !end.isAfter(cursor)) {
                    return;
                }
                TestThreads.sleep(5);
            }
        }
    }

    private static boolean terminate(PostgresTestServer server, String schema, String role) throws SQLException {
        try (Connection connection = server.connect(); PreparedStatement terminate = connection.prepareStatement(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity WHERE pid IN ("
                + "SELECT pid FROM pg_stat_activity WHERE application_name = ? ORDER BY random() LIMIT 1)")) {
            terminate.setString(1, applicationName(schema, role));
            try (ResultSet row = terminate.executeQuery()) {
                row.next();
                return row.getInt(1) == 1;
            }
        } catch (SQLException e) {
            // the server is still in crash recovery after a SIGKILL: try again later
            if (e.getSQLState() != null && (e.getSQLState().startsWith("08") || e.getSQLState().equals("57P03"))) {
                return false;
            }
            throw e;
        }
    }

    /** SIGKILLs one writer backend: the postmaster then ends every backend and runs crash recovery. */
    private static void killOneBackend(PostgresTestServer server, String schema) throws Exception {
        long pid = 0;
        for (int attempt = 0; attempt < 200 && pid == 0; attempt++) {
            try (Connection connection = server.connect(); PreparedStatement select = connection.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ? LIMIT 1")) {
                select.setString(1, applicationName(schema, "writer"));
                try (ResultSet row = select.executeQuery()) {
                    pid = row.next() ? row.getLong(1) : 0;
                }
            } catch (SQLException e) {
                // still recovering from the previous kill
            }
            if (pid == 0) {
                Thread.sleep(50);
            }
        }
        assertThat(pid).as("a writer backend to kill").isPositive();
        ProcessHandle backend = ProcessHandle.of(pid).orElseThrow();
        backend.destroyForcibly();
        backend.onExit().get(10, TimeUnit.SECONDS);
    }

    private static HikariDataSource pool(PostgresTestServer server, String schema, int size, String role) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.jdbcUrl());
        config.setUsername(server.user());
        config.setPassword(server.password());
        config.setPoolName("f2-" + role + "-" + schema);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(2_000);
        config.addDataSourceProperty("currentSchema", schema);
        config.addDataSourceProperty("ApplicationName", applicationName(schema, role));
        return new HikariDataSource(config);
    }

    private static String applicationName(String schema, String role) {
        return "f2-" + role + "-" + schema;
    }

    private static Set<UUID> appliedIds(HikariDataSource pool) throws SQLException {
        Set<UUID> ids = new HashSet<>();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT event_id FROM f2_applied")) {
            while (rows.next()) {
                ids.add(rows.getObject(1, UUID.class));
            }
        }
        return ids;
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws SQLException;
    }

    /** The checking side also meets the crash-restarts: it retries until the server answers. */
    private static <T> T retrying(Call<T> call) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (SQLException | EventStoreException e) {
                if (attempt == 200) {
                    throw e;
                }
                TestThreads.sleep(50);
            }
        }
    }
}
