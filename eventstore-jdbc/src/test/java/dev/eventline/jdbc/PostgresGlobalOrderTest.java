package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** O-1, O-3, O-4 and O-6 of RELIABILITY.md on a real PostgreSQL: the log never skips a late commit. */
class PostgresGlobalOrderTest {

    /** {@code -Deventline.extended=true} (or {@code -Pextended}) runs O-1 at its extended size; never in CI. */
    private static final boolean EXTENDED = Boolean.getBoolean("eventline.extended");
    /** O-1: 8 writers × 64 streams × 60 s in CI (about 62 s of wall time); 16 × 1,000 × 30 min extended. */
    private static final int O1_WRITERS = EXTENDED ? 16 : 8;
    private static final int O1_STREAMS = EXTENDED ? 1_000 : 64;
    private static final Duration O1_EXTENDED_DURATION = Duration.ofMinutes(30);
    /** {@code -Deventline.o1.seconds=S} runs another window (a partial extended run when shorter than 30 min). */
    private static final Duration O1_DURATION = Duration.ofSeconds(Long.getLong("eventline.o1.seconds",
        EXTENDED ? O1_EXTENDED_DURATION.toSeconds() : 60));
    /** The NOTIFY-woken subscriber's fallback poll: long, so that nearly every wake-up is a notification. */
    private static final Duration O1_WOKEN_FALLBACK = Duration.ofSeconds(1);

    private HikariDataSource pool;
    private CommitHookDataSource hooked;
    private JdbcEventStore store;

    @BeforeEach
    void createStore() {
        pool = PostgresTestServer.shared().newSchema(24);
        hooked = new CommitHookDataSource(pool);
        store = JdbcEventStore.builder(hooked).horizonWarning(Duration.ofMillis(200))
            .appendHook(PostgresNotifications.appendHook(channel)).build();
        store.createSchema();
    }

    /** Channels are per database, and the test schemas share one. */
    private final String channel = "el_o1_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @Test
    void a_polling_and_a_notify_woken_reader_see_every_committed_event_once_while_a_position_only_reader_skips_some()
        throws InterruptedException {
        // given: both subscribers start at 0 while the writers run (O-6: catch-up plus live)
        long started = System.nanoTime();
        ConcurrentLogHarness harness = new ConcurrentLogHarness();
        ConcurrentLogHarness.installChaos(hooked);
        try (PostgresNotifications notifications = PostgresNotifications.builder(pool).channel(channel).build()) {
            notifications.start();
            assertThat(notifications.awaitConnected(Duration.ofSeconds(20))).isTrue();
            harness.wokenBy(notifications, O1_WOKEN_FALLBACK);
            // when
            harness.run(store, O1_WRITERS, O1_STREAMS, O1_DURATION, pool, "el_events");
        }
        // then
        assertThat(harness.errors).as("unexpected append errors").isEmpty();
        assertThat(harness.committed).hasSizeGreaterThan(500);
        assertThat(harness.rolledBack).isNotEmpty();
        for (ConcurrentLogHarness.Tail tail : List.of(harness.tail, harness.woken)) {
            assertThat(tail.seen).doesNotHaveDuplicates();
            assertThat(new HashSet<>(tail.seen)).isEqualTo(harness.committed);
            assertThat(tail.cursorRegressions).isZero();
            assertThat(tail.versionRegressions).isZero();
        }
        assertThat(harness.wokenByNotify.get()).as("wake-ups by NOTIFY").isPositive();
        Set<UUID> skippedByNaive = harness.skippedByNaive();
        System.out.printf("[reliability] O-1 %s: PostgreSQL, %d writers x %d streams x %d s (wall %d s): committed %d, "
                + "rolled back %d; polling reader saw %d, NOTIFY-woken reader saw %d (woken %d times by NOTIFY, %d by "
                + "its %d ms fallback); lost 0, duplicated 0, out of order 0; the position-only control skipped %d%n",
            !EXTENDED ? "(ci)" : O1_DURATION.compareTo(O1_EXTENDED_DURATION) < 0
                ? "(partial extended run: " + O1_DURATION.toSeconds() + " s of " + O1_EXTENDED_DURATION.toSeconds()
                + " s)" : "(extended)", O1_WRITERS, O1_STREAMS, O1_DURATION.toSeconds(),
            Duration.ofNanos(System.nanoTime() - started).toSeconds(), harness.committed.size(),
            harness.rolledBack.size(), harness.tail.seen.size(), harness.woken.seen.size(),
            harness.wokenByNotify.get(), harness.wokenByTimeout.get(), O1_WOKEN_FALLBACK.toMillis(),
            skippedByNaive.size());
        assertThat(skippedByNaive).as("events a global_position > last reader never saw").isNotEmpty();
    }

    @Test
    void an_append_held_open_holds_readers_back_and_is_delivered_after_its_commit() throws Exception {
        // given: an append that has taken its position but not committed
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        hooked.beforeCommit(connection -> {
            if (Thread.currentThread().getName().equals("slow-writer")) {
                held.countDown();
                await(release);
            }
        });
        AppendResult before = store.append("before", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        CompletableFuture<AppendResult> slow = new CompletableFuture<>();
        ConcurrentLogHarness.start("slow-writer", () -> slow.complete(
            store.append("slow", ExpectedVersion.noStream(), List.of(EventData.of("Slow", "{}")))));
        assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
        // when: a later append commits while the first is still open
        AppendResult later = store.append("later", ExpectedVersion.noStream(), List.of(EventData.of("Later", "{}")));
        List<RecordedEvent> whileHeld = store.readAll(before.lastPosition(), 10);
        List<UUID> naiveWhileHeld = naiveRead(0);
        release.countDown();
        AppendResult slowResult = slow.get(10, TimeUnit.SECONDS);
        List<RecordedEvent> afterRelease = store.readAll(before.lastPosition(), 10);
        // then
        assertThat(slowResult.lastPosition().position()).isLessThan(later.lastPosition().position());
        assertThat(whileHeld).isEmpty();
        assertThat(store.headPosition()).isEqualTo(later.lastPosition());
        assertThat(afterRelease).extracting(RecordedEvent::streamId).containsExactly("slow", "later");
        // the control: a position-only reader saw "later" while "slow" was open, so its cursor passed "slow"
        assertThat(naiveWhileHeld).contains(later.events().get(0).eventId())
            .doesNotContain(slowResult.events().get(0).eventId());
        long naiveCursor = later.lastPosition().position();
        assertThat(naiveRead(naiveCursor)).doesNotContain(slowResult.events().get(0).eventId());
    }

    @Test
    void a_rolled_back_append_leaves_a_hole_the_reader_passes_at_once() {
        // given
        AppendResult first = store.append("a", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        hooked.beforeCommit(connection -> {
            throw new SQLException("injected rollback", "40001");
        });
        try {
            store.append("b", ExpectedVersion.noStream(), List.of(EventData.of("B", "{}")));
        } catch (StorageException expected) {
            assertThat(expected.isRetryable()).isTrue();
        }
        hooked.beforeCommit(connection -> { });
        AppendResult third = store.append("c", ExpectedVersion.noStream(), List.of(EventData.of("C", "{}")));
        // when
        List<RecordedEvent> page = store.readAll(first.lastPosition(), 10);
        // then
        assertThat(page).extracting(RecordedEvent::streamId).containsExactly("c");
        assertThat(third.lastPosition().position() - first.lastPosition().position()).isGreaterThan(1);
        assertThat(store.streamVersion("b")).isZero();
    }

    @Test
    void horizon_status_names_an_open_writing_transaction_and_readers_wait_for_it() throws SQLException {
        // given
        AppendResult before = store.append("a", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        try (Connection holder = PostgresTestServer.shared().connect()) {
            holder.setAutoCommit(false);
            long pid;
            try (Statement statement = holder.createStatement()) {
                statement.execute("SET application_name = 'forgotten-batch-job'");
                try (ResultSet row = statement.executeQuery("SELECT pg_backend_pid(), pg_current_xact_id()")) {
                    row.next();
                    pid = row.getLong(1);
                }
            }
            AppendResult after = store.append("b", ExpectedVersion.noStream(), List.of(EventData.of("B", "{}")));
            ConcurrentLogHarness.sleepMicros(300_000);
            // when
            HorizonStatus status = store.horizonStatus();
            List<RecordedEvent> whileOpen = store.readAll(before.lastPosition(), 10);
            holder.rollback();
            List<RecordedEvent> afterEnd = store.readAll(before.lastPosition(), 10);
            // then
            assertThat(status.isHealthy()).isFalse();
            assertThat(status.pid()).isEqualTo(pid);
            assertThat(status.holder()).contains("forgotten-batch-job").contains(Long.toString(pid));
            assertThat(status.age()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
            assertThat(whileOpen).isEmpty();
            assertThat(afterEnd).containsExactlyElementsOf(after.events());
        }
        assertThat(store.horizonStatus().isHealthy()).isTrue();
    }

    @Test
    void a_writing_transaction_in_another_database_of_the_cluster_holds_readers_back_until_it_ends()
        throws SQLException {
        // given: transaction ids are cluster-wide, so a writer elsewhere can still commit below a reader's cursor
        String database = "el_other_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = PostgresTestServer.shared().connect(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        }
        AppendResult before = store.append("a", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        try (Connection elsewhere = PostgresTestServer.shared().connect(database)) {
            elsewhere.setAutoCommit(false);
            try (Statement statement = elsewhere.createStatement()) {
                statement.execute("CREATE TABLE t (x int)");
            }
            AppendResult after = store.append("b", ExpectedVersion.noStream(), List.of(EventData.of("B", "{}")));
            // when
            List<RecordedEvent> whileOpen = store.readAll(before.lastPosition(), 10);
            HorizonStatus status = store.horizonStatus();
            elsewhere.commit();
            List<RecordedEvent> afterEnd = store.readAll(before.lastPosition(), 10);
            // then
            assertThat(whileOpen).isEmpty();
            assertThat(status.holder()).contains(database);
            assertThat(afterEnd).containsExactlyElementsOf(after.events());
        } finally {
            try (Connection admin = PostgresTestServer.shared().connect();
                 Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + database);
            }
        }
    }

    @Test
    void horizon_status_names_a_forgotten_prepared_transaction() throws SQLException {
        // given
        String gid = "el-test-" + UUID.randomUUID();
        try (Connection connection = PostgresTestServer.shared().connect()) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_current_xact_id()");
                statement.execute("PREPARE TRANSACTION '" + gid + "'");
            }
            connection.setAutoCommit(true);
            try {
                ConcurrentLogHarness.sleepMicros(300_000);
                // when
                HorizonStatus status = store.horizonStatus();
                // then
                assertThat(status.isHealthy()).isFalse();
                assertThat(status.holder()).contains(gid);
                assertThat(status.pid()).isZero();
            } finally {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ROLLBACK PREPARED '" + gid + "'");
                }
            }
        }
    }

    private List<UUID> naiveRead(long after) throws SQLException {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "SELECT event_id FROM el_events WHERE global_position > ? ORDER BY global_position")) {
            statement.setLong(1, after);
            List<UUID> ids = new java.util.ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
        }
    }

    private static void await(CountDownLatch latch) throws SQLException {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new SQLException("test latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }
}
