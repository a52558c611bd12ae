package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.AppendLimits;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.IdempotencyConflictException;
import dev.eventline.core.InvalidEventException;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a JDBC store must do on every database; subclasses give a fresh database per test. */
abstract class JdbcEventStoreBehaviour {

    protected DataSource dataSource;
    protected JdbcEventStore store;

    protected abstract DataSource newDataSource();

    @BeforeEach
    void createStore() {
        dataSource = newDataSource();
        store = JdbcEventStore.builder(dataSource).readBatchSize(7).build();
        store.createSchema();
    }

    static EventData event(String type, String json) {
        return EventData.of(type, json);
    }

    static List<EventData> events(int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> event("Deposited", "{\"amount\":" + i + "}")).toList();
    }

    @Test
    void appends_and_reads_back_exact_bytes_metadata_and_checksums() {
        // given
        byte[] payload = "{ \"b\": 1,  \"a\": [2, 3] }".getBytes(StandardCharsets.UTF_8);
        EventMetadata metadata = EventMetadata.empty().withCorrelationId("c-1").withPrincipal("ada")
            .with("ip", "10.0.0.1").with("emoji", "\uD83D\uDE00");
        EventData data = new EventData(UUID.randomUUID(), "Opened", 3, payload, metadata);
        // when
        AppendResult result = store.append("account-1", ExpectedVersion.noStream(), List.of(data, events(1).get(0)));
        // then
        List<RecordedEvent> read = store.readStream("account-1").toList();
        assertThat(read).containsExactlyElementsOf(result.events());
        assertThat(read.get(0).payload()).isEqualTo(payload);
        assertThat(read.get(0).metadata()).isEqualTo(metadata);
        assertThat(read.get(0).schemaVersion()).isEqualTo(3);
        assertThat(result.previousVersion()).isZero();
        assertThat(result.currentVersion()).isEqualTo(2);
        assertThat(store.verify("account-1").valid()).isTrue();
    }

    @Test
    void reads_long_streams_in_pages_forwards_and_backwards() {
        // given
        store.append("s", ExpectedVersion.noStream(), events(30));
        store.append("s", ExpectedVersion.exactly(30), events(20));
        // when
        List<Long> forwards = store.readStream("s", ReadDirection.FORWARDS, 5, 40).map(RecordedEvent::version)
            .toList();
        List<Long> backwards = store.readStream("s", ReadDirection.BACKWARDS, Long.MAX_VALUE, 12)
            .map(RecordedEvent::version).toList();
        // then
        assertThat(forwards).containsExactlyElementsOf(LongRange.of(5, 44));
        assertThat(backwards).containsExactlyElementsOf(LongRange.down(50, 39));
        assertThat(store.readStream("s").count()).isEqualTo(50);
        assertThat(store.streamVersion("s")).isEqualTo(50);
        assertThat(store.streamVersion("absent")).isZero();
    }

    @Test
    void a_partly_consumed_read_holds_no_connection_between_pages() {
        // given: pages of 7 events
        store.append("s", ExpectedVersion.noStream(), events(30));
        var pool = ((HikariDataSource) dataSource).getHikariPoolMXBean();
        try (Stream<RecordedEvent> stream = store.readStream("s");
             Stream<RecordedEvent> log = store.readAll(LogPosition.START);
             Stream<RecordedEvent> bounded = store.readStream("s", ReadDirection.BACKWARDS, Long.MAX_VALUE, 20)) {
            Iterator<RecordedEvent> streamEvents = stream.iterator();
            Iterator<RecordedEvent> logEvents = log.iterator();
            Iterator<RecordedEvent> backwards = bounded.iterator();
            // when: each read is left in the middle of its second page
            for (int i = 0; i < 10; i++) {
                streamEvents.next();
                logEvents.next();
                backwards.next();
            }
            // then: no connection is out of the pool while the caller holds the streams
            assertThat(pool.getActiveConnections()).isZero();
            assertThat(streamEvents.next().version()).isEqualTo(11);
            assertThat(logEvents.next().version()).isEqualTo(11);
            assertThat(backwards.next().version()).isEqualTo(20);
            int rest = 0;
            while (backwards.hasNext()) {
                backwards.next();
                rest++;
            }
            assertThat(rest).isEqualTo(9);
        }
    }

    @Test
    void refuses_a_stale_expected_version_with_the_actual_version() {
        // given
        store.append("s", ExpectedVersion.noStream(), events(2));
        // when
        Throwable thrown = catchThrowable(() -> store.append("s", ExpectedVersion.exactly(1), events(1)));
        Throwable noStream = catchThrowable(() -> store.append("s", ExpectedVersion.noStream(), events(1)));
        Throwable exists = catchThrowable(() -> store.append("t", ExpectedVersion.streamExists(), events(1)));
        // then
        assertThat(thrown).isInstanceOfSatisfying(ConcurrencyConflictException.class,
            e -> assertThat(e.actualVersion()).isEqualTo(2));
        assertThat(noStream).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(exists).isInstanceOfSatisfying(ConcurrencyConflictException.class,
            e -> assertThat(e.actualVersion()).isZero());
        assertThat(store.streamVersion("s")).isEqualTo(2);
    }

    @Test
    void a_retried_append_returns_the_original_result_and_writes_nothing() {
        // given
        List<EventData> batch = events(3);
        AppendResult first = store.append("s", ExpectedVersion.noStream(), batch);
        // when
        AppendResult again = store.append("s", ExpectedVersion.noStream(), batch);
        AppendResult anyAgain = store.append("s", ExpectedVersion.any(), batch);
        // then
        assertThat(again).isEqualTo(first);
        assertThat(anyAgain).isEqualTo(first);
        assertThat(store.readStream("s").count()).isEqualTo(3);
    }

    @Test
    void a_partly_stored_batch_or_an_id_from_another_stream_is_an_idempotency_conflict() {
        // given
        List<EventData> batch = events(2);
        store.append("s", ExpectedVersion.noStream(), batch);
        // when
        Throwable partly = catchThrowable(() -> store.append("s", ExpectedVersion.any(),
            List.of(batch.get(0), events(1).get(0))));
        Throwable elsewhere = catchThrowable(() -> store.append("other", ExpectedVersion.any(), batch));
        // then
        assertThat(partly).isInstanceOf(IdempotencyConflictException.class);
        assertThat(elsewhere).isInstanceOf(IdempotencyConflictException.class);
        assertThat(store.streamVersion("other")).isZero();
    }

    @Test
    void two_stores_on_one_database_enforce_the_expected_version_between_them() {
        // given
        JdbcEventStore other = JdbcEventStore.builder(dataSource).build();
        store.append("s", ExpectedVersion.noStream(), events(1));
        // when
        other.append("s", ExpectedVersion.exactly(1), events(1));
        Throwable thrown = catchThrowable(() -> store.append("s", ExpectedVersion.exactly(1), events(1)));
        // then
        assertThat(thrown).isInstanceOfSatisfying(ConcurrencyConflictException.class,
            e -> assertThat(e.actualVersion()).isEqualTo(2));
    }

    @Test
    void reads_the_log_in_pages_by_position_and_reports_its_head() {
        // given
        AppendResult a = store.append("a", ExpectedVersion.any(), events(5));
        AppendResult b = store.append("b", ExpectedVersion.any(), events(9));
        List<RecordedEvent> expected = new ArrayList<>(a.events());
        expected.addAll(b.events());
        // when
        List<RecordedEvent> all = store.readAll(LogPosition.START).toList();
        List<RecordedEvent> page = store.readAll(a.events().get(2).position(), 4);
        // then
        assertThat(all).containsExactlyElementsOf(expected);
        assertThat(page).containsExactlyElementsOf(expected.subList(3, 7));
        assertThat(store.headPosition()).isEqualTo(b.lastPosition());
        assertThat(store.readAll(b.lastPosition(), 10)).isEmpty();
    }

    @Test
    void reads_by_recording_time() {
        // given
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00.123456789Z"));
        JdbcEventStore timed = JdbcEventStore.builder(dataSource).clock(clock).readBatchSize(2).build();
        timed.append("s", ExpectedVersion.any(), events(3));
        clock.set(Instant.parse("2026-01-02T00:00:00Z"));
        timed.append("s", ExpectedVersion.any(), events(3));
        timed.append("t", ExpectedVersion.any(), events(2));
        clock.set(Instant.parse("2026-01-03T00:00:00Z"));
        timed.append("s", ExpectedVersion.any(), events(1));
        Instant from = Instant.parse("2026-01-02T00:00:00Z");
        Instant to = Instant.parse("2026-01-03T00:00:00Z");
        // when
        List<Long> streamVersions = timed.readStreamBetween("s", from, to).map(RecordedEvent::version).toList();
        List<String> logStreams = timed.readAllBetween(from, to).map(RecordedEvent::streamId).toList();
        // then
        assertThat(streamVersions).containsExactly(4L, 5L, 6L);
        assertThat(logStreams).containsExactly("s", "s", "s", "t", "t");
        assertThat(timed.readStream("s").findFirst().orElseThrow().recordedAt())
            .isEqualTo(Instant.parse("2026-01-01T00:00:00.123456Z"));
    }

    @Test
    void stream_ids_and_types_with_any_unicode_round_trip_exactly() {
        // given
        List<String> ids = List.of("a'; drop table el_events;--", "\"x\" || pg_sleep(5)", "%", "_", "\\", "$all",
            "..", "/", "rtl\u202Eevil", "emoji \uD83D\uDE80", "e\u0301", "\u00E9", " padded ");
        // when
        for (String id : ids) {
            store.append(id, ExpectedVersion.noStream(), List.of(event("Type ' ; \uD83D\uDE00 " + id, "{}")));
        }
        // then
        for (String id : ids) {
            List<RecordedEvent> read = store.readStream(id).toList();
            assertThat(read).hasSize(1);
            assertThat(read.get(0).streamId()).isEqualTo(id);
            assertThat(read.get(0).type()).isEqualTo("Type ' ; \uD83D\uDE00 " + id);
        }
        assertThat(store.verifyAll().valid()).isTrue();
    }

    @Test
    void refuses_nul_control_characters_lone_surrogates_and_oversized_input_before_writing() {
        // given
        JdbcEventStore small = JdbcEventStore.builder(dataSource)
            .limits(AppendLimits.defaults().withMaxPayloadBytes(10)).build();
        // when
        Throwable nul = catchThrowable(() -> store.append("a\u0000b", ExpectedVersion.any(), events(1)));
        Throwable nulType = catchThrowable(() -> store.append("s", ExpectedVersion.any(),
            List.of(event("T\u0000", "{}"))));
        Throwable big = catchThrowable(() -> small.append("s", ExpectedVersion.any(),
            List.of(event("T", "{\"x\":\"0123456789\"}"))));
        Throwable longId = catchThrowable(() -> store.append("x".repeat(201), ExpectedVersion.any(), events(1)));
        Throwable newline = catchThrowable(() -> store.append("line\nbreak", ExpectedVersion.any(), events(1)));
        Throwable nulMetadata = catchThrowable(() -> store.append("s", ExpectedVersion.any(),
            List.of(event("T", "{}").withMetadata(EventMetadata.empty().with("k\u0000ey", "v")))));
        Throwable loneSurrogate = catchThrowable(() -> store.append("s", ExpectedVersion.any(),
            List.of(event("T", "{}").withMetadata(EventMetadata.empty().with("lone", "\uD800")))));
        // then
        assertThat(List.of(nul, nulType, big, longId, newline, nulMetadata, loneSurrogate)).allSatisfy(t -> assertThat(t)
            .isInstanceOf(InvalidEventException.class));
        assertThat(store.headPosition()).isEqualTo(LogPosition.START);
    }

    @Test
    void metadata_with_every_field_and_odd_characters_round_trips() {
        // given
        EventMetadata metadata = new EventMetadata("corr", "cause", "principal \"q\"", "tenant",
            Map.of("emoji \uD83D\uDE80", "rtl\u202E", "quote", "\"'\\", "empty", ""));
        EventData data = event("T", "{}").withMetadata(metadata);
        // when
        store.append("s", ExpectedVersion.any(), List.of(data));
        // then
        assertThat(store.readStream("s").findFirst().orElseThrow().metadata()).isEqualTo(metadata);
        assertThat(store.verify("s").valid()).isTrue();
    }

    @Test
    void connections_go_back_to_the_pool_in_auto_commit_mode_after_appends_and_conflicts() {
        // given: a pool that might not reset auto-commit itself
        CommitHookDataSource hooked = new CommitHookDataSource(dataSource);
        List<Boolean> autoCommitAtClose = new java.util.concurrent.CopyOnWriteArrayList<>();
        hooked.beforeClose(connection -> autoCommitAtClose.add(connection.getAutoCommit()));
        JdbcEventStore watched = JdbcEventStore.builder(hooked).build();
        // when
        watched.append("s", ExpectedVersion.noStream(), events(2));
        catchThrowable(() -> watched.append("s", ExpectedVersion.noStream(), events(1)));
        // then
        assertThat(autoCommitAtClose).isNotEmpty().containsOnly(true);
    }

    @Test
    void create_schema_is_idempotent() {
        // when
        List<Integer> again = store.createSchema();
        // then
        assertThat(again).isEmpty();
        assertThat(store.schemaSql()).contains("el_events").contains("el_streams");
    }

    /** Ascending and descending ranges of longs, for readable expectations. */
    static final class LongRange {
        static List<Long> of(long from, long to) {
            List<Long> values = new ArrayList<>();
            for (long v = from; v <= to; v++) {
                values.add(v);
            }
            return values;
        }

        static List<Long> down(long from, long to) {
            List<Long> values = new ArrayList<>();
            for (long v = from; v >= to; v--) {
                values.add(v);
            }
            return values;
        }
    }

    // ------------------------------------------------------------------------------------------ append hooks

    private JdbcEventStore storeWithAuditHook(List<AppendResult> seen) {
        execute("create table audit_rows (stream_id varchar(200) primary key, last_version bigint not null)");
        return JdbcEventStore.builder(dataSource).appendHook((connection, appended) -> {
            seen.add(appended);
            try (var upsert = connection.prepareStatement(
                "insert into audit_rows (stream_id, last_version) values (?, ?)")) {
                upsert.setString(1, appended.streamId() + "@" + appended.currentVersion());
                upsert.setLong(2, appended.currentVersion());
                upsert.executeUpdate();
            }
        }).build();
    }

    @Test
    void an_append_hook_commits_with_the_events_and_sees_their_positions() {
        // given
        List<AppendResult> seen = new ArrayList<>();
        JdbcEventStore hooked = storeWithAuditHook(seen);
        // when
        AppendResult result = hooked.append("a", ExpectedVersion.noStream(), events(3));
        // then
        assertThat(seen).containsExactly(result);
        assertThat(seen.get(0).events()).allSatisfy(e -> assertThat(e.position()).isNotEqualTo(LogPosition.START));
        assertThat(count("select count(*) from audit_rows where stream_id = 'a@3'")).isEqualTo(1);
    }

    @Test
    void a_failing_append_hook_rolls_the_events_back_and_reaches_the_caller() {
        // given
        execute("create table audit_rows (stream_id varchar(200) primary key)");
        JdbcEventStore hooked = JdbcEventStore.builder(dataSource).appendHook((connection, appended) -> {
            try (var insert = connection.prepareStatement("insert into audit_rows (stream_id) values (?)")) {
                // "other" collides with the row of "accepted": the hook's own unique violation
                insert.setString(1, appended.streamId().equals("other") ? "accepted" : appended.streamId());
                insert.executeUpdate();
            }
            if (appended.streamId().equals("refused")) {
                throw new IllegalStateException("read model refuses");
            }
        }).build();
        hooked.append("accepted", ExpectedVersion.noStream(), events(1));
        // when
        Throwable refused = catchThrowable(() -> hooked.append("refused", ExpectedVersion.noStream(), events(2)));
        Throwable duplicate = catchThrowable(() -> hooked.append("other", ExpectedVersion.noStream(), events(1)));
        // then
        assertThat(refused).isInstanceOf(IllegalStateException.class).hasMessage("read model refuses");
        // the hook's own unique violation is a storage error, never taken for a concurrency conflict
        assertThat(duplicate).isInstanceOf(dev.eventline.core.StorageException.class)
            .isNotInstanceOf(ConcurrencyConflictException.class).hasMessageContaining("append hook");
        assertThat(hooked.streamVersion("refused")).isZero();
        assertThat(hooked.streamVersion("other")).isZero();
        try (var all = hooked.readAll(LogPosition.START)) {
            assertThat(all.map(RecordedEvent::streamId)).containsExactly("accepted");
        }
        assertThat(count("select count(*) from audit_rows")).isEqualTo(1);
    }

    @Test
    void a_retried_append_does_not_run_the_hook_again_and_a_lost_race_leaves_no_hook_rows() {
        // given
        List<AppendResult> seen = new ArrayList<>();
        JdbcEventStore hooked = storeWithAuditHook(seen);
        List<EventData> batch = events(2);
        hooked.append("a", ExpectedVersion.noStream(), batch);
        // when
        AppendResult retried = hooked.append("a", ExpectedVersion.noStream(), batch);
        Throwable conflict = catchThrowable(() -> hooked.append("a", ExpectedVersion.exactly(1), events(1)));
        // then
        assertThat(retried.currentVersion()).isEqualTo(2);
        assertThat(conflict).isInstanceOf(ConcurrencyConflictException.class);
        assertThat(seen).hasSize(1);
        assertThat(count("select count(*) from audit_rows")).isEqualTo(1);
    }

    private void execute(String statementSql) {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute(statementSql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private long count(String query) {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement();
             var rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
