package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.HorizonStatus;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import dev.eventline.jdbc.testing.TestThreads;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * O-4 of RELIABILITY.md: transactions that hold PostgreSQL's xid horizon, and so every reader of the log, back
 * while a writer keeps appending and a subscriber tails {@code readAll}: (a) an open writing transaction in
 * another database of the same server (transaction ids are cluster-wide), (b) an open prepared transaction. Each
 * is held 10 s. Meanwhile the subscriber gets nothing that committed after the holder began (it waits, it does
 * not skip), {@link JdbcEventStore#horizonStatus()} names the holder with an age above its threshold and logs the
 * warning; after the release the subscriber delivers everything, each event once and in log order.
 * <p>
 * CI: hold 10 s each (the plan's size); extended: 60 s each.
 */
@Tag("slow")
class HorizonHoldersTest {

    /** How long each holder stays open: the plan's 10 s; extended 60 s. */
    private static final Duration HOLD = Duration.ofSeconds(Sizes.of(10, 60));
    /** The age above which the store reports the horizon unhealthy (and warns), well below the hold. */
    private static final Duration THRESHOLD = Duration.ofSeconds(2);
    /** Time for appends that were running when the holder began to finish, on a loaded machine. */
    private static final Duration SETTLE = Duration.ofSeconds(2);

    /** Opens a transaction that holds the horizon, describes it for the assertions, and ends it. */
    private interface Holder extends AutoCloseable {
        /** @return a text the store's description of the holder must contain */
        String identifiedBy();

        /** @return the backend pid the status must report (0 for a prepared transaction) */
        long pid();

        /** Ends the transaction (commit or rollback). */
        void release() throws SQLException;
    }

    @Test
    void an_open_writing_transaction_in_another_database_holds_delivery_back_without_skipping() throws Exception {
        String database = "el_o4_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        PostgresTestServer server = PostgresTestServer.shared();
        execute(server, "CREATE DATABASE " + database);
        try {
            holdAndCheck("O-4 other database", () -> {
                Connection elsewhere = server.connect(database);
                elsewhere.setAutoCommit(false);
                long pid;
                try (Statement statement = elsewhere.createStatement()) {
                    statement.execute("CREATE TABLE batch_job (x int)");
                    try (ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                        row.next();
                        pid = row.getLong(1);
                    }
                }
                return new Holder() {
                    @Override
                    public String identifiedBy() {
                        return database;
                    }

                    @Override
                    public long pid() {
                        return pid;
                    }

                    @Override
                    public void release() throws SQLException {
                        elsewhere.commit();
                    }

                    @Override
                    public void close() throws SQLException {
                        elsewhere.close();
                    }
                };
            });
        } finally {
            execute(server, "DROP DATABASE IF EXISTS " + database);
        }
    }

    @Test
    void an_open_prepared_transaction_holds_delivery_back_without_skipping() throws Exception {
        PostgresTestServer server = PostgresTestServer.shared();
        String gid = "el-o4-" + UUID.randomUUID();
        holdAndCheck("O-4 prepared transaction", () -> {
            Connection connection = server.connect();
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_current_xact_id()");
                statement.execute("PREPARE TRANSACTION '" + gid + "'");
            }
            connection.setAutoCommit(true);
            return new Holder() {
                @Override
                public String identifiedBy() {
                    return gid;
                }

                @Override
                public long pid() {
                    return 0;
                }

                @Override
                public void release() throws SQLException {
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("ROLLBACK PREPARED '" + gid + "'");
                    }
                }

                @Override
                public void close() throws SQLException {
                    connection.close();
                }
            };
        });
    }

    @FunctionalInterface
    private interface Opener {
        Holder open() throws SQLException;
    }

    private void holdAndCheck(String id, Opener opener) throws Exception {
        try (HikariDataSource pool = PostgresTestServer.shared().newSchema(3)) {
            // given: a writer appending and a subscriber tailing the log
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).horizonWarning(THRESHOLD)
                .build();
            store.createSchema();
            List<UUID> acknowledged = Collections.synchronizedList(new ArrayList<>());
            List<UUID> seen = Collections.synchronizedList(new ArrayList<>());
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<LogPosition> target = new AtomicReference<>();
            Thread writer = TestThreads.start("o4-writer", failures, () -> {
                Random random = new Random(4);
                while (writing.get()) {
                    List<EventData> batch = new ArrayList<>();
                    for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                        batch.add(EventData.of("Written", "{\"i\":" + i + "}"));
                    }
                    AppendResult result = store.append("o4-" + random.nextInt(8), ExpectedVersion.any(), batch);
                    result.events().forEach(e -> acknowledged.add(e.eventId()));
                    TestThreads.sleep(20);
                }
            });
            Thread subscriber = TestThreads.start("o4-subscriber", failures, () -> {
                LogPosition cursor = LogPosition.START;
                while (true) {
                    List<RecordedEvent> page = store.readAll(cursor, 100);
                    for (RecordedEvent event : page) {
                        assertThat(event.position().isAfter(cursor)).isTrue();
                        seen.add(event.eventId());
                        cursor = event.position();
                    }
                    LogPosition end = target.get();
                    if (page.isEmpty()) {
                        if (end != null && !end.isAfter(cursor)) {
                            return;
                        }
                        TestThreads.sleep(10);
                    }
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() >= 20);
            long began = System.nanoTime();
            HorizonStatus during;
            String warnings;
            int seenAtHold;
            int seenAtRelease;
            int acknowledgedAtHold;
            int acknowledgedAtRelease;
            try (Holder holder = opener.open()) {
                // when: the holder stays open for the hold time; appends already running when it began may still
                // commit below it (and be delivered) during the first moments, so counting starts after SETTLE
                Thread.sleep(SETTLE.toMillis());
                seenAtHold = seen.size();
                acknowledgedAtHold = acknowledged.size();
                Thread.sleep(HOLD.minus(SETTLE).toMillis());
                seenAtRelease = seen.size();
                acknowledgedAtRelease = acknowledged.size();
                ByteArrayOutputStream stderr = new ByteArrayOutputStream();
                PrintStream original = System.err;
                System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
                try {
                    during = store.horizonStatus();
                } finally {
                    System.setErr(original);
                }
                warnings = stderr.toString(StandardCharsets.UTF_8);
                holder.release();
                // then: the status names the holder, above its threshold, and the store warned
                assertThat(during.isHealthy()).isFalse();
                assertThat(during.age()).isGreaterThan(THRESHOLD).isGreaterThanOrEqualTo(HOLD.minusSeconds(1));
                assertThat(during.holder()).contains(holder.identifiedBy());
                assertThat(during.pid()).isEqualTo(holder.pid());
            }
            // and delivery resumes: after the release the subscriber gets everything, once, in log order
            Thread.sleep(500);
            writing.set(false);
            writer.join(30_000);
            List<RecordedEvent> log = store.readAll(LogPosition.START).toList();
            assertThat(log).hasSize(acknowledged.size());
            target.set(log.get(log.size() - 1).position());
            subscriber.join(30_000);
            assertThat(subscriber.isAlive()).isFalse();
            assertThat(failures).isEmpty();
            assertThat(seenAtRelease).as("nothing delivered while held").isEqualTo(seenAtHold);
            assertThat(acknowledgedAtRelease - acknowledgedAtHold).as("while the writer kept appending")
                .isGreaterThan(20);
            assertThat(seen).containsExactlyElementsOf(log.stream().map(RecordedEvent::eventId).toList());
            assertThat(warnings).contains("held back by").contains(during.holder());
            assertThat(store.horizonStatus().isHealthy()).isTrue();
            Sizes.report(id, "held " + HOLD.toSeconds() + " s while " + (acknowledgedAtRelease - acknowledgedAtHold)
                + " events were appended; 0 delivered while held, then all " + log.size() + " delivered once in "
                + "order (0 skipped); horizonStatus age " + during.age().toMillis() + " ms > threshold "
                + THRESHOLD.toMillis() + " ms, holder: " + during.holder() + "; WARN logged; "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
        }
    }

    private static void execute(PostgresTestServer server, String sql) throws SQLException {
        try (Connection admin = server.connect(); Statement statement = admin.createStatement()) {
            statement.execute(sql);
        }
    }
}
