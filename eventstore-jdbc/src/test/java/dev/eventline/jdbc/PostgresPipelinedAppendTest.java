package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL append's fast path: a head this store instance remembers (or a new stream's) lets it write in
 * one round trip; a remembered head that is wrong in any way must cost only a retry, never a wrong row.
 */
class PostgresPipelinedAppendTest {

    private String schema;
    private HikariDataSource poolA;
    private HikariDataSource poolB;
    private CommitHookDataSource countedA;
    private JdbcEventStore storeA;
    private JdbcEventStore storeB;

    @BeforeEach
    void create_two_stores_on_one_schema() {
        // two pools, two store instances, two head caches: as two JVMs would be
        schema = PostgresTestServer.shared().newSchemaName();
        poolA = PostgresTestServer.shared().dataSource(schema, 4);
        poolB = PostgresTestServer.shared().dataSource(schema, 4);
        countedA = new CommitHookDataSource(poolA);
        storeA = JdbcEventStore.builder(countedA).dialect(Dialect.postgres()).build();
        storeB = JdbcEventStore.builder(poolB).dialect(Dialect.postgres()).build();
        storeA.createSchema();
    }

    @AfterEach
    void close_pools() {
        poolA.close();
        poolB.close();
    }

    private static List<EventData> events(int count, String tag) {
        return IntStream.range(0, count).mapToObj(i -> EventData.of("E", "{\"" + tag + "\":" + i + "}")).toList();
    }

    @Test
    void an_append_after_another_store_moved_the_stream_gets_the_true_versions_and_an_intact_chain() {
        // given: A remembers the head at version 1, then B appends twice
        storeA.append("s", ExpectedVersion.noStream(), events(1, "a"));
        storeB.append("s", ExpectedVersion.exactly(1), events(1, "b"));
        storeB.append("s", ExpectedVersion.any(), events(2, "b"));
        // when: A appends with its stale head
        AppendResult any = storeA.append("s", ExpectedVersion.any(), events(3, "a"));
        AppendResult exact = storeA.append("s", ExpectedVersion.exactly(7), events(1, "a"));
        // then
        assertThat(any.previousVersion()).isEqualTo(4);
        assertThat(any.currentVersion()).isEqualTo(7);
        assertThat(exact.currentVersion()).isEqualTo(8);
        assertThat(storeB.readStream("s").map(RecordedEvent::version).toList())
            .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(storeB.verify("s", 8, exact.lastChecksum()).valid()).isTrue();
    }

    @Test
    void a_stale_head_that_satisfies_the_expectation_still_fails_with_the_true_version() {
        // given: A remembers version 1; B moves the stream to 2
        storeA.append("s", ExpectedVersion.noStream(), events(1, "a"));
        storeB.append("s", ExpectedVersion.exactly(1), events(1, "b"));
        // when: A expects the version its stale head shows
        Throwable thrown = catchThrowable(() -> storeA.append("s", ExpectedVersion.exactly(1), events(1, "a")));
        // then: a conflict naming the real version; nothing written
        assertThat(thrown).isInstanceOfSatisfying(ConcurrencyConflictException.class,
            e -> assertThat(e.actualVersion()).isEqualTo(2));
        assertThat(storeB.streamVersion("s")).isEqualTo(2);
        assertThat(storeA.append("s", ExpectedVersion.exactly(2), events(1, "a")).currentVersion()).isEqualTo(3);
    }

    @Test
    void a_remembered_head_with_the_right_version_but_another_checksum_writes_nothing_wrong() throws SQLException {
        // given: A remembers (1, c1); the stream is then rebuilt by hand to another version 1 (another checksum)
        AppendResult first = storeA.append("s", ExpectedVersion.noStream(), events(1, "first"));
        try (Connection admin = poolB.getConnection(); Statement statement = admin.createStatement()) {
            statement.executeUpdate("DELETE FROM el_events WHERE stream_id = 's'");
            statement.executeUpdate("DELETE FROM el_streams WHERE stream_id = 's'");
        }
        AppendResult rebuilt = storeB.append("s", ExpectedVersion.noStream(), events(1, "rebuilt"));
        assertThat(rebuilt.lastChecksum()).isNotEqualTo(first.lastChecksum());
        // when
        AppendResult next = storeA.append("s", ExpectedVersion.exactly(1), events(1, "next"));
        // then: the new event links to the stream's real last checksum
        assertThat(next.currentVersion()).isEqualTo(2);
        assertThat(storeA.verify("s", 2, next.lastChecksum()).valid()).isTrue();
    }

    @Test
    void a_guess_that_a_stream_is_new_fails_cleanly_when_another_store_created_it() {
        // given
        storeB.append("s", ExpectedVersion.noStream(), events(2, "b"));
        List<EventData> batch = events(3, "a");
        // when
        Throwable noStream = catchThrowable(() -> storeA.append("s", ExpectedVersion.noStream(), batch));
        Throwable exactZero = catchThrowable(() -> storeA.append("s", ExpectedVersion.exactly(0), batch));
        AppendResult any = storeA.append("s", ExpectedVersion.any(), batch);
        // then
        assertThat(List.of(noStream, exactZero)).allSatisfy(thrown -> assertThat(thrown)
            .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                e -> assertThat(e.actualVersion()).isEqualTo(2)));
        assertThat(any.previousVersion()).isEqualTo(2);
        assertThat(storeB.readStream("s").count()).isEqualTo(5);
        assertThat(storeB.verify("s", 5, any.lastChecksum()).valid()).isTrue();
    }

    @Test
    void a_retried_batch_returns_its_original_result_through_a_store_that_never_saw_it() {
        // given: B stored the batch; A's cache knows nothing about the stream
        List<EventData> batch = events(4, "once");
        AppendResult original = storeB.append("s", ExpectedVersion.noStream(), batch);
        // when: the same batch again, with the same expectation, through both stores
        AppendResult viaA = storeA.append("s", ExpectedVersion.noStream(), batch);
        AppendResult viaB = storeB.append("s", ExpectedVersion.noStream(), batch);
        // then
        assertThat(viaA).isEqualTo(original);
        assertThat(viaB).isEqualTo(original);
        assertThat(storeA.streamVersion("s")).isEqualTo(4);
    }

    @Test
    void a_batch_gets_positions_that_follow_its_versions_in_the_global_log() {
        // given
        storeA.append("s", ExpectedVersion.noStream(), events(1, "head"));
        // when: 50 events in one pipelined statement
        AppendResult batch = storeA.append("s", ExpectedVersion.exactly(1), events(50, "batch"));
        // then
        List<RecordedEvent> log = storeA.readAll(LogPosition.START, 100);
        assertThat(log).extracting(RecordedEvent::version).isSorted().hasSize(51);
        assertThat(batch.events()).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();
        assertThat(log.subList(1, 51)).containsExactlyElementsOf(batch.events());
        assertThat(batch.events()).extracting(e -> e.position().commit()).containsOnly(batch.lastPosition().commit());
    }

    @Test
    void two_stores_appending_to_one_stream_with_stale_heads_lose_nothing_and_keep_one_chain() throws Exception {
        // given
        storeA.append("hot", ExpectedVersion.noStream(), events(1, "start"));
        int perStore = 15;
        // when: both stores append concurrently, each mostly with a head the other has moved
        CompletableFuture<List<AppendResult>> a = CompletableFuture.supplyAsync(() -> appendMany(storeA, perStore));
        CompletableFuture<List<AppendResult>> b = CompletableFuture.supplyAsync(() -> appendMany(storeB, perStore));
        List<AppendResult> results = new ArrayList<>(a.get(30, TimeUnit.SECONDS));
        results.addAll(b.get(30, TimeUnit.SECONDS));
        // then: every append got its own versions, and the log follows them
        assertThat(results).extracting(AppendResult::currentVersion).doesNotHaveDuplicates();
        List<RecordedEvent> stream = storeA.readStream("hot").toList();
        assertThat(stream).hasSize(1 + 2 * perStore);
        List<RecordedEvent> log = storeA.readAll(LogPosition.START, 1000);
        assertThat(log).extracting(RecordedEvent::version).isSorted();
        assertThat(storeA.verify("hot").valid()).isTrue();
    }

    private static List<AppendResult> appendMany(JdbcEventStore store, int count) {
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(store.append("hot", ExpectedVersion.any(), events(1, "n")));
        }
        return results;
    }

    @Test
    void an_append_after_a_read_to_the_end_of_the_stream_borrows_a_single_connection() {
        // given: B wrote the stream, A read it to its end (as an aggregate loads before it appends)
        storeB.append("s", ExpectedVersion.noStream(), events(3, "b"));
        long loaded = storeA.readStream("s").reduce((first, second) -> second).orElseThrow().version();
        AtomicInteger borrowed = new AtomicInteger();
        countedA.beforeClose(connection -> borrowed.incrementAndGet());
        // when
        AppendResult appended = storeA.append("s", ExpectedVersion.exactly(loaded), events(1, "a"));
        // then: no head read, no retry
        assertThat(appended.currentVersion()).isEqualTo(4);
        assertThat(borrowed).hasValue(1);
        assertThat(storeA.verify("s", 4, appended.lastChecksum()).valid()).isTrue();
    }

    @Test
    void an_append_takes_its_transaction_id_only_after_the_stream_lock_so_it_sorts_after_the_holder()
        throws Exception {
        // given: A remembers the head; another transaction holds the stream's advisory lock and has an id
        storeA.append("s", ExpectedVersion.noStream(), events(1, "a"));
        try (Connection holder = poolB.getConnection()) {
            holder.setAutoCommit(false);
            long holderTxId;
            try (PreparedStatement lock = holder.prepareStatement(
                "SELECT pg_advisory_xact_lock(?, ?), pg_current_xact_id()::text::bigint")) {
                // the store's lock key: (hash of "eventline:" schema "." prefix, hash of the stream id)
                lock.setInt(1, ("eventline:." + JdbcEventStore.DEFAULT_TABLE_PREFIX).hashCode());
                lock.setInt(2, "s".hashCode());
                try (ResultSet row = lock.executeQuery()) {
                    row.next();
                    holderTxId = row.getLong(2);
                }
            }
            // when: A appends on the pipelined path while the lock is held
            CompletableFuture<AppendResult> append = CompletableFuture.supplyAsync(
                () -> storeA.append("s", ExpectedVersion.exactly(1), events(1, "a")));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> waitingForAdvisoryLock(poolB));
            holder.commit();
            AppendResult appended = append.get(10, TimeUnit.SECONDS);
            // then
            assertThat(appended.lastPosition().commit()).isGreaterThan(holderTxId);
        }
    }

    private static boolean waitingForAdvisoryLock(HikariDataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery(
                 "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")) {
            row.next();
            return row.getLong(1) > 0;
        }
    }
}
