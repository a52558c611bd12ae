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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * O-3 of RELIABILITY.md on PostgreSQL, for batches of 1 and of 50, several runs each: (a) an append that took the
 * lower positions is held open while a later one commits: a reader sees neither until the first commits, then
 * both, in position order, skipping nothing; (b) an append with the lower transaction id but the higher positions
 * (its id taken, then a whole other append, then its positions: the gap inside the store's allocating statement,
 * widened by taking the id early): held back while open, then delivered first, each event once, while a cursor of
 * the position alone would read it twice; (c) a rolled-back append leaves a permanent hole that the reader passes
 * in its next poll.
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
        for (int run = 0; run < RUNS; run++) {
            // given: the slow append waits just before its commit
            // when: another append commits meanwhile
            Interleaving seen = interleave("o3-slow-" + size + "-" + run, size, hooked::beforeCommit,
                connection -> { });
            // then
            assertThat(seen.whileHeld()).as("run %s: nothing past the open transaction", run).isEmpty();
            List<UUID> expected = new ArrayList<>(ids(seen.slow()));
            expected.addAll(ids(seen.later()));
            assertThat(seen.afterRelease()).as("run %s", run).extracting(RecordedEvent::eventId)
                .containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 50})
    void an_append_with_the_lower_transaction_id_but_higher_positions_is_delivered_first_and_once(int size)
        throws Exception {
        for (int run = 0; run < RUNS; run++) {
            // given: the slow writer takes its transaction id, then waits before its positions are allocated
            // when: another append commits whole in the gap, then the slow one gets its positions and commits
            Interleaving seen = interleave("o3b-slow-" + size + "-" + run, size, hooked::beforePrepare, connection -> {
                try (var statement = connection.createStatement()) {
                    statement.execute("SELECT pg_current_xact_id()");
                }
            });
            AppendResult slowResult = seen.slow();
            AppendResult later = seen.later();
            List<RecordedEvent> afterRelease = seen.afterRelease();
            // then: the interleaving of (b) happened: lower transaction id, higher positions
            assertThat(slowResult.events().get(0).position().commit()).as("run %s: transaction ids", run)
                .isLessThan(later.events().get(0).position().commit());
            assertThat(slowResult.events().get(0).position().position()).as("run %s: positions", run)
                .isGreaterThan(later.lastPosition().position());
            // and the reader waited for the open transaction, then delivered it first, every event once
            assertThat(seen.whileHeld()).as("run %s: nothing past the open transaction", run).isEmpty();
            List<UUID> expected = new ArrayList<>(ids(slowResult));
            expected.addAll(ids(later));
            assertThat(afterRelease).as("run %s", run).extracting(RecordedEvent::eventId)
                .containsExactlyElementsOf(expected);
            assertThat(store.readAll(afterRelease.get(afterRelease.size() - 1).position(), 1000))
                .as("run %s: after the last delivered event", run).isEmpty();
            // control: a cursor of the position alone, after the same last delivered event, reads the slow batch again
            assertThat(eventIdsAfterPosition(later.lastPosition().position())).as("run %s: position-only cursor", run)
                .containsExactlyElementsOf(ids(slowResult));
        }
    }

    /** What a reader saw around a slow append held open inside its transaction while a later one committed. */
    private record Interleaving(AppendResult slow, AppendResult later, List<RecordedEvent> whileHeld,
                                List<RecordedEvent> afterRelease) {
    }

    /**
     * Appends a "slow" batch on its own thread, which a hook (installed with {@code install}) pauses the first time
     * it runs there, after {@code beforePause}; appends a "later" batch meanwhile and reads the log while the slow
     * one is held and after it is released. The hook is removed again at the end.
     */
    private Interleaving interleave(String slowThread, int size,
                                    Consumer<CommitHookDataSource.BeforeCommit> install,
                                    CommitHookDataSource.BeforeCommit beforePause) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        install.accept(connection -> {
            if (Thread.currentThread().getName().equals(slowThread) && held.getCount() > 0) {
                beforePause.run(connection);
                held.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted", e);
                }
            }
        });
        try {
            AppendResult before = store.append("before-" + slowThread, ExpectedVersion.noStream(), batch(1, "before"));
            CompletableFuture<AppendResult> slow = new CompletableFuture<>();
            Thread writer = new Thread(() -> {
                try {
                    slow.complete(store.append("slow-" + slowThread, ExpectedVersion.noStream(), batch(size, "slow")));
                } catch (RuntimeException e) {
                    slow.completeExceptionally(e);
                }
            }, slowThread);
            writer.start();
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            AppendResult later = store.append("later-" + slowThread, ExpectedVersion.noStream(), batch(size, "later"));
            List<RecordedEvent> whileHeld = store.readAll(before.lastPosition(), 1000);
            release.countDown();
            AppendResult slowResult = slow.get(30, TimeUnit.SECONDS);
            return new Interleaving(slowResult, later, whileHeld, store.readAll(before.lastPosition(), 1000));
        } finally {
            install.accept(connection -> { });
        }
    }

    private List<UUID> eventIdsAfterPosition(long position) throws SQLException {
        try (Connection connection = pool.getConnection(); PreparedStatement select = connection.prepareStatement(
            "SELECT event_id FROM el_events WHERE global_position > ? ORDER BY global_position")) {
            select.setLong(1, position);
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getObject(1, UUID.class));
                }
            }
            return ids;
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
