package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** F-1 and F-2 of RELIABILITY.md: the connection or the whole server dies in the middle of appends. */
class PostgresFaultTest {

    @Test
    void a_terminated_backend_fails_the_append_clearly_leaves_nothing_and_the_store_recovers() {
        // given
        HikariDataSource pool = PostgresTestServer.shared().newSchema();
        CommitHookDataSource hooked = new CommitHookDataSource(pool);
        JdbcEventStore store = JdbcEventStore.builder(hooked).build();
        store.createSchema();
        AtomicBoolean kill = new AtomicBoolean(true);
        hooked.beforeCommit(connection -> {
            if (kill.getAndSet(false)) {
                long pid;
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                    row.next();
                    pid = row.getLong(1);
                }
                try (Connection admin = PostgresTestServer.shared().connect();
                     PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(CAST(? AS integer), CAST(5000 AS bigint))")) {
                    terminate.setLong(1, pid);
                    terminate.execute();
                }
            }
        });
        List<EventData> batch = IntStream.range(0, 50).mapToObj(i -> EventData.of("E", "{\"i\":" + i + "}"))
            .toList();
        // when
        Throwable thrown = catchThrowable(() -> store.append("s", ExpectedVersion.noStream(), batch));
        // then
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.isRetryable()).as(e.getMessage()).isTrue();
            assertThat(e.sqlState()).as(e.getMessage()).matches("08.*|57P01");
        });
        assertThat(store.streamVersion("s")).isZero();
        assertThat(store.readAll(LogPosition.START, 100)).isEmpty();
        AppendResult retried = store.append("s", ExpectedVersion.noStream(), batch);
        assertThat(retried.currentVersion()).isEqualTo(50);
        assertThat(store.readStream("s").count()).isEqualTo(50);
    }

    @Test
    void acknowledged_appends_survive_a_killed_server_and_no_batch_is_ever_partial(@TempDir Path data)
        throws Exception {
        // given: a durable server (fsync=on, synchronous_commit=on) and 8 writers appending batches of 10-50
        PostgresTestServer server = PostgresTestServer.startDurable(data);
        try {
            HikariDataSource pool = server.newSchema(10);
            pool.setConnectionTimeout(2_000);
            JdbcEventStore store = JdbcEventStore.builder(pool).build();
            store.createSchema();
            Map<String, List<EventData>> acknowledged = new ConcurrentHashMap<>();
            Map<String, List<EventData>> unknown = new ConcurrentHashMap<>();
            Map<String, String> streamOf = new ConcurrentHashMap<>();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger acknowledgedAfterRestart = new AtomicInteger();
            AtomicBoolean restarted = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                writers.add(ConcurrentLogHarness.start("durable-writer-" + w, () -> {
                    int n = 0;
                    while (running.get()) {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        String stream = "w" + writer + "-s" + random.nextInt(4);
                        List<EventData> batch = IntStream.range(0, 10 + random.nextInt(41))
                            .mapToObj(i -> EventData.of("E", "{\"i\":" + i + "}")).toList();
                        String key = writer + "-" + n++;
                        streamOf.put(key, stream);
                        try {
                            store.append(stream, ExpectedVersion.any(), batch);
                            acknowledged.put(key, batch);
                            if (restarted.get()) {
                                acknowledgedAfterRestart.incrementAndGet();
                            }
                        } catch (StorageException e) {
                            unknown.put(key, batch);
                            ConcurrentLogHarness.sleepMicros(50_000);
                        }
                    }
                }));
            }
            // when: the server is killed mid-flight, then restarted on the same data directory and port
            Thread.sleep(1_500);
            int acknowledgedBeforeKill = acknowledged.size();
            server.kill();
            Thread.sleep(500);
            server.start();
            restarted.set(true);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> acknowledgedAfterRestart.get() >= 8);
            running.set(false);
            for (Thread writer : writers) {
                writer.join(30_000);
            }
            // then: every acknowledged append is there, every batch is all or none
            Set<UUID> stored = store.readAll(LogPosition.START).map(RecordedEvent::eventId)
                .collect(Collectors.toCollection(HashSet::new));
            assertThat(acknowledgedBeforeKill).isPositive();
            assertThat(unknown).isNotEmpty();
            assertThat(acknowledgedAfterRestart).hasPositiveValue();
            for (List<EventData> batch : acknowledged.values()) {
                assertThat(stored).containsAll(ids(batch));
            }
            for (List<EventData> batch : unknown.values()) {
                long present = ids(batch).stream().filter(stored::contains).count();
                assertThat(present).isIn(0L, (long) batch.size());
            }
            // and retrying the unknown ones makes each exactly once; versions stay contiguous; chains verify
            for (Map.Entry<String, List<EventData>> entry : unknown.entrySet()) {
                store.append(streamOf.get(entry.getKey()), ExpectedVersion.any(), entry.getValue());
            }
            List<UUID> all = store.readAll(LogPosition.START).map(RecordedEvent::eventId).toList();
            assertThat(all).doesNotHaveDuplicates();
            int expectedTotal = acknowledged.values().stream().mapToInt(List::size).sum()
                + unknown.values().stream().mapToInt(List::size).sum();
            assertThat(all).hasSize(expectedTotal);
            assertThat(store.verifyAll().valid()).isTrue();
        } finally {
            server.close();
        }
    }

    private static List<UUID> ids(List<EventData> batch) {
        return batch.stream().map(EventData::eventId).toList();
    }
}
