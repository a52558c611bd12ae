package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * O-3 (a) and (c) of RELIABILITY.md on PostgreSQL, for batches of 1 and of 50, several runs each: (a) an append
 * that took the lower positions is held open while a later one commits: a reader sees neither until the first
 * commits, then both, in position order, skipping nothing; (c) a rolled-back append leaves a permanent hole that
 * the reader passes in its next poll. (b), xid order differing from position order, cannot be forced from outside
 * the store's single allocating statement and is covered only by the O-1 load.
 * <p>
 * CI: 5 runs per batch size; extended: 100.
 */
class InterleavedCommitsTest {

    private static final int RUNS = Sizes.of(5, 100);

    private HikariDataSource pool;
    private CommitHookDataSource hooked;
    private JdbcEventStore store;

    @BeforeEach
    void create_store() {
        pool = PostgresTestServer.shared().newSchema(4);
        hooked = new CommitHookDataSource(pool);
        store = JdbcEventStore.builder(hooked).dialect(Dialect.postgres()).build();
        store.createSchema();
    }

    @AfterEach
    void close_pool() {
        pool.close();
    }

    private static List<EventData> batch(int size, String tag) {
        return IntStream.range(0, size).mapToObj(i -> EventData.of("E", "{\"tag\":\"" + tag + "\",\"i\":" + i + "}"))
            .toList();
    }

    private static List<UUID> ids(AppendResult result) {
        return result.events().stream().map(RecordedEvent::eventId).toList();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50})
    void a_held_open_append_holds_readers_back_and_is_delivered_before_later_ones(int size) throws Exception {
        for (int r = 0; r < RUNS; r++) {
            int run = r;
            // given
            String slowThread = "o3-slow-" + size + "-" + run;
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            hooked.beforeCommit(connection -> {
                if (Thread.currentThread().getName().equals(slowThread)) {
                    held.countDown();
                    try {
                        release.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new SQLException("interrupted", e);
                    }
                }
            });
            AppendResult before = store.append("before-" + run, ExpectedVersion.noStream(), batch(1, "before"));
            CompletableFuture<AppendResult> slow = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    slow.complete(store.append("slow-" + run, ExpectedVersion.noStream(), batch(size, "slow")));
                } catch (RuntimeException e) {
                    slow.completeExceptionally(e);
                }
            }, slowThread);
            writer.start();
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            // when
            AppendResult later = store.append("later-" + run, ExpectedVersion.noStream(), batch(size, "later"));
            List<RecordedEvent> whileHeld = store.readAll(before.lastPosition(), 1000);
            release.countDown();
            AppendResult slowResult = slow.get(30, TimeUnit.SECONDS);
            List<RecordedEvent> afterRelease = store.readAll(before.lastPosition(), 1000);
            // then
            assertThat(whileHeld).as("run %s: nothing past the open transaction", run).isEmpty();
            List<UUID> expected = new ArrayList<>(ids(slowResult));
            expected.addAll(ids(later));
            assertThat(afterRelease).as("run %s", run).extracting(RecordedEvent::eventId)
                .containsExactlyElementsOf(expected);
            hooked.beforeCommit(connection -> { });
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50})
    void a_rolled_back_append_is_a_hole_the_reader_passes_in_one_poll(int size) {
        for (int run = 0; run < RUNS; run++) {
            // given
            AppendResult first = store.append("first-" + run, ExpectedVersion.noStream(), batch(size, "first"));
            hooked.beforeCommit(connection -> {
                throw new SQLException("injected rollback", "40001");
            });
            String doomed = "doomed-" + run;
            try {
                store.append(doomed, ExpectedVersion.noStream(), batch(size, "doomed"));
            } catch (StorageException expected) {
                assertThat(expected.isRetryable()).isTrue();
            }
            hooked.beforeCommit(connection -> { });
            AppendResult third = store.append("third-" + run, ExpectedVersion.noStream(), batch(size, "third"));
            // when
            List<RecordedEvent> poll = store.readAll(first.lastPosition(), 1000);
            // then
            assertThat(poll).as("run %s", run).extracting(RecordedEvent::eventId)
                .containsExactlyElementsOf(ids(third));
            assertThat(store.streamVersion(doomed)).isZero();
        }
    }
}
