package dev.eventline.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.AppendLimits;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.IdempotencyConflictException;
import dev.eventline.core.InvalidEventException;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.integrity.IntegrityReport;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The behaviour every {@link EventStore} must have, as one abstract JUnit 5 suite.
 * <p>
 * A store's test class extends this class and implements {@link #newStore(InstantSource)}; JUnit then runs every
 * test below (they live in {@code @Nested} groups) against that store:
 * <pre>{@code
 * final class H2EventStoreContractTest extends EventStoreContract {
 *     @Override
 *     protected EventStore newStore(InstantSource clock) {
 *         return H2Fixture.freshSchema().clock(clock).build();
 *     }
 * }
 * }</pre>
 * Each test calls {@code newStore} before it runs, with a {@link MutableClock} that starts at {@link #T0} and only
 * moves when the test moves it; one test (tail truncation) calls it a second time for a second, independent store.
 * A store that implements {@link AutoCloseable} is closed after the test. The concurrency tests use up to eight
 * threads at once, so a pooled store needs at least nine connections. The module needs the core test-jar
 * ({@code <type>test-jar</type>}), JUnit Jupiter and AssertJ on its test classpath. The suite assumes the store's default {@link AppendLimits} and the unkeyed SHA-256 chain (override
 * {@link #hashChain()} when the store under test uses a key). It never skips a test.
 * <p>
 * What it does not assume: that global positions start at 1 or have no gaps, or that
 * {@link LogPosition#commit()} equals {@link LogPosition#position()}; only that they increase in log order.
 * <p>
 * Sizes are kept small (the whole suite appends a few thousand events), so it runs on PostgreSQL in CI.
 *
 * @since 0.1
 */
public abstract class EventStoreContract {

    /** The instant the clock shows when each test starts. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private static final Duration CONCURRENCY_TIMEOUT = Duration.ofSeconds(120);

    /** The clock the store under test was created with. */
    protected MutableClock clock;
    /** The store under test: fresh and empty for every test. */
    protected EventStore store;

    /**
     * Creates the store under test. Called before every test, and once more by the tail-truncation test.
     *
     * @param clock the source of recording times the store must use
     * @return a new, empty store (on a database: a fresh schema) that takes recording times from {@code clock}
     */
    protected abstract EventStore newStore(InstantSource clock);

    /**
     * @return the chain the store under test computes checksums with; by default unkeyed SHA-256, the default of
     *     every store
     */
    protected HashChain hashChain() {
        return HashChain.sha256();
    }

    @BeforeEach
    void create_the_store() {
        clock = new MutableClock(T0);
        store = Objects.requireNonNull(newStore(clock), "newStore(clock) returned null");
    }

    @AfterEach
    void close_the_store() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    /**
     * @param n how many events
     * @return {@code n} events of type {@code Counted} with payloads {@code {"n":1}} … {@code {"n":n}} and new ids
     */
    protected static List<EventData> events(int n) {
        return IntStream.rangeClosed(1, n).mapToObj(i -> event("Counted", "{\"n\":" + i + "}")).toList();
    }

    /**
     * @param type the type name
     * @param json the payload
     * @return an event with a new random id, schema version 1 and no metadata
     */
    protected static EventData event(String type, String json) {
        return EventData.of(type, json);
    }

    /**
     * @param store a store
     * @param streamId a stream
     * @return the stream's events, oldest first
     */
    protected static List<RecordedEvent> streamOf(EventStore store, String streamId) {
        try (Stream<RecordedEvent> events = store.readStream(streamId)) {
            return events.toList();
        }
    }

    /**
     * @param store a store
     * @return the whole log, in order
     */
    protected static List<RecordedEvent> logOf(EventStore store) {
        try (Stream<RecordedEvent> events = store.readAll(LogPosition.START)) {
            return events.toList();
        }
    }

    private List<RecordedEvent> read(String streamId, ReadDirection direction, long from, long max) {
        try (Stream<RecordedEvent> events = store.readStream(streamId, direction, from, max)) {
            return events.toList();
        }
    }

    private static List<Long> versions(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::version).toList();
    }

    private static List<Long> reversed(List<Long> values) {
        List<Long> copy = new ArrayList<>(values);
        java.util.Collections.reverse(copy);
        return copy;
    }

    /** The ids of a list of {@link EventData} or {@link RecordedEvent}. */
    private static List<UUID> ids(List<?> events) {
        return events.stream().map(e -> e instanceof EventData d ? d.eventId() : ((RecordedEvent) e).eventId())
            .toList();
    }

    private static List<Long> range(long fromInclusive, long toInclusive) {
        return LongStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    private static void assertStrictlyIncreasing(List<RecordedEvent> events, LogPosition after) {
        LogPosition previous = after;
        for (RecordedEvent event : events) {
            assertThat(event.position()).as("position of %s after %s", event, previous).isGreaterThan(previous);
            previous = event.position();
        }
    }

    private void assertNothingWritten(LogPosition headBefore, int logSizeBefore) {
        assertThat(store.headPosition()).isEqualTo(headBefore);
        assertThat(logOf(store)).hasSize(logSizeBefore);
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Stream_ordering {

        @Test
        void appended_events_get_versions_one_to_n_in_append_order() {
            // given
            List<EventData> first = events(1);
            List<EventData> second = events(3);
            List<EventData> third = events(2);
            // when
            store.append("order-1", ExpectedVersion.any(), first);
            store.append("order-1", ExpectedVersion.any(), second);
            store.append("order-1", ExpectedVersion.any(), third);
            // then
            List<RecordedEvent> read = streamOf(store, "order-1");
            assertThat(versions(read)).isEqualTo(range(1, 6));
            List<EventData> all = new ArrayList<>(first);
            all.addAll(second);
            all.addAll(third);
            assertThat(ids(read)).isEqualTo(ids(all));
            assertThat(read).allSatisfy(e -> assertThat(e.streamId()).isEqualTo("order-1"));
        }

        @Test
        void append_result_names_the_versions_and_the_recorded_events() {
            // given
            store.append("order-2", ExpectedVersion.noStream(), events(2));
            List<EventData> batch = events(3);
            // when
            AppendResult result = store.append("order-2", ExpectedVersion.exactly(2), batch);
            // then
            assertThat(result.streamId()).isEqualTo("order-2");
            assertThat(result.previousVersion()).isEqualTo(2);
            assertThat(result.currentVersion()).isEqualTo(5);
            assertThat(result.firstVersion()).isEqualTo(3);
            assertThat(versions(result.events())).containsExactly(3L, 4L, 5L);
            for (int i = 0; i < batch.size(); i++) {
                RecordedEvent recorded = result.events().get(i);
                assertThat(recorded.toEventData()).isEqualTo(batch.get(i));
                assertThat(recorded.recordedAt()).isEqualTo(T0);
            }
            assertThat(result.lastPosition()).isEqualTo(result.events().get(2).position());
            assertThat(result.lastChecksum()).isEqualTo(result.events().get(2).checksum());
        }

        @Test
        void reading_returns_exactly_what_the_append_result_recorded() {
            // given
            AppendResult first = store.append("order-3", ExpectedVersion.any(), events(2));
            clock.advance(Duration.ofSeconds(1));
            AppendResult second = store.append("order-3", ExpectedVersion.any(), events(2));
            // when
            List<RecordedEvent> read = streamOf(store, "order-3");
            // then
            List<RecordedEvent> recorded = new ArrayList<>(first.events());
            recorded.addAll(second.events());
            assertThat(read).isEqualTo(recorded);
            assertThat(logOf(store)).isEqualTo(recorded);
        }

        @Test
        void streams_keep_their_own_versions_when_appends_interleave() {
            // given
            List<EventData> a = events(4);
            List<EventData> b = events(4);
            // when
            for (int i = 0; i < 4; i++) {
                store.append("left", ExpectedVersion.exactly(i), List.of(a.get(i)));
                store.append("right", ExpectedVersion.exactly(i), List.of(b.get(i)));
            }
            // then
            assertThat(ids(streamOf(store, "left"))).isEqualTo(ids(a));
            assertThat(ids(streamOf(store, "right"))).isEqualTo(ids(b));
            assertThat(versions(streamOf(store, "right"))).isEqualTo(range(1, 4));
            assertThat(store.streamVersion("left")).isEqualTo(4);
        }
    }

    @Nested
    class Reading_a_stream {

        @BeforeEach
        void ten_events() {
            store.append("ten", ExpectedVersion.noStream(), events(10));
        }

        @Test
        void reads_forwards_from_a_version_with_a_limit() {
            assertThat(versions(read("ten", ReadDirection.FORWARDS, 4, 3))).containsExactly(4L, 5L, 6L);
        }

        @Test
        void reads_forwards_from_a_version_to_the_end() {
            // when
            List<RecordedEvent> tail;
            try (Stream<RecordedEvent> events = store.readStream("ten", 7)) {
                tail = events.toList();
            }
            // then
            assertThat(versions(tail)).containsExactly(7L, 8L, 9L, 10L);
            assertThat(versions(read("ten", ReadDirection.FORWARDS, 2, Long.MAX_VALUE))).isEqualTo(range(2, 10));
        }

        @Test
        void reads_forwards_from_version_zero_as_from_the_start() {
            assertThat(versions(read("ten", ReadDirection.FORWARDS, 0, 2))).containsExactly(1L, 2L);
        }

        @Test
        void reads_backwards_from_a_version_with_a_limit() {
            assertThat(versions(read("ten", ReadDirection.BACKWARDS, 7, 3))).containsExactly(7L, 6L, 5L);
        }

        @Test
        void reads_backwards_from_the_end_when_starting_at_long_max_value() {
            assertThat(versions(read("ten", ReadDirection.BACKWARDS, Long.MAX_VALUE, 2))).containsExactly(10L, 9L);
            assertThat(versions(read("ten", ReadDirection.BACKWARDS, Long.MAX_VALUE, Long.MAX_VALUE)))
                .isEqualTo(reversed(range(1, 10)));
        }

        @Test
        void a_negative_start_reads_forwards_from_the_start_and_backwards_nothing() {
            assertThat(versions(read("ten", ReadDirection.FORWARDS, -5, 2))).containsExactly(1L, 2L);
            assertThat(read("ten", ReadDirection.BACKWARDS, -5, 2)).isEmpty();
            assertThat(read("ten", ReadDirection.BACKWARDS, 0, 2)).isEmpty();
        }

        @Test
        void reading_backwards_stops_at_version_one() {
            assertThat(versions(read("ten", ReadDirection.BACKWARDS, 3, 100))).containsExactly(3L, 2L, 1L);
        }

        @Test
        void reading_forwards_past_the_end_returns_nothing() {
            assertThat(read("ten", ReadDirection.FORWARDS, 11, 5)).isEmpty();
            assertThat(read("ten", ReadDirection.FORWARDS, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
        }

        @Test
        void a_limit_of_zero_returns_nothing() {
            assertThat(read("ten", ReadDirection.FORWARDS, 1, 0)).isEmpty();
            assertThat(read("ten", ReadDirection.BACKWARDS, Long.MAX_VALUE, 0)).isEmpty();
        }

        @Test
        void a_negative_limit_is_refused() {
            assertThatThrownBy(() -> read("ten", ReadDirection.FORWARDS, 1, -1))
                .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void reading_an_absent_stream_returns_nothing_in_both_directions() {
            assertThat(streamOf(store, "absent")).isEmpty();
            assertThat(read("absent", ReadDirection.BACKWARDS, Long.MAX_VALUE, 10)).isEmpty();
            assertThat(store.streamVersion("absent")).isZero();
        }

        @Test
        void a_stream_longer_than_a_read_page_is_read_completely_in_order() {
            // given: more events than any store's default page (1000)
            store.append("long", ExpectedVersion.noStream(), events(2100));
            // when
            List<RecordedEvent> forwards = streamOf(store, "long");
            List<RecordedEvent> backwards = read("long", ReadDirection.BACKWARDS, Long.MAX_VALUE, Long.MAX_VALUE);
            // then
            assertThat(versions(forwards)).isEqualTo(range(1, 2100));
            assertThat(versions(backwards)).isEqualTo(reversed(range(1, 2100)));
            assertThat(forwards.get(1500).payloadAsString()).isEqualTo("{\"n\":1501}");
        }

        @Test
        void stream_version_is_the_number_of_events_and_ignores_other_streams() {
            // when
            store.append("other", ExpectedVersion.any(), events(3));
            // then
            assertThat(store.streamVersion("ten")).isEqualTo(10);
            assertThat(store.streamVersion("other")).isEqualTo(3);
        }
    }

    @Nested
    class The_global_log {

        @Test
        void an_empty_store_has_an_empty_log_and_its_head_is_start() {
            assertThat(store.readAll(LogPosition.START, 10)).isEmpty();
            assertThat(logOf(store)).isEmpty();
            assertThat(store.headPosition()).isEqualTo(LogPosition.START);
        }

        @Test
        void read_all_returns_every_event_in_append_order_with_increasing_positions() {
            // given
            List<RecordedEvent> appended = new ArrayList<>();
            appended.addAll(store.append("a", ExpectedVersion.any(), events(2)).events());
            appended.addAll(store.append("b", ExpectedVersion.any(), events(3)).events());
            appended.addAll(store.append("a", ExpectedVersion.any(), events(1)).events());
            // when
            List<RecordedEvent> log = store.readAll(LogPosition.START, 100);
            // then
            assertThat(log).isEqualTo(appended);
            assertStrictlyIncreasing(log, LogPosition.START);
            assertThat(store.readAll(LogPosition.START, Integer.MAX_VALUE)).isEqualTo(appended);
        }

        @Test
        void pages_continue_exactly_where_the_last_page_ended() {
            // given
            int[] batchSizes = {1, 2, 3, 1, 3};
            for (int i = 0; i < batchSizes.length; i++) {
                store.append("s" + (i % 2), ExpectedVersion.any(), events(batchSizes[i]));
            }
            List<RecordedEvent> all = store.readAll(LogPosition.START, 1000);
            // when
            List<RecordedEvent> paged = new ArrayList<>();
            LogPosition cursor = LogPosition.START;
            int pages = 0;
            while (true) {
                List<RecordedEvent> page = store.readAll(cursor, 3);
                assertThat(page).hasSizeLessThanOrEqualTo(3);
                if (page.isEmpty()) {
                    break;
                }
                assertStrictlyIncreasing(page, cursor);
                paged.addAll(page);
                cursor = page.get(page.size() - 1).position();
                pages++;
            }
            // then
            assertThat(all).hasSize(10);
            assertThat(paged).isEqualTo(all);
            assertThat(pages).isEqualTo(4);
        }

        @Test
        void reading_after_an_event_returns_only_later_events() {
            // given
            List<RecordedEvent> appended = store.append("mid", ExpectedVersion.any(), events(6)).events();
            // when
            List<RecordedEvent> after = store.readAll(appended.get(2).position(), 100);
            // then
            assertThat(after).isEqualTo(appended.subList(3, 6));
        }

        @Test
        void reading_after_the_head_returns_nothing() {
            // given
            store.append("h", ExpectedVersion.any(), events(3));
            // when
            List<RecordedEvent> after = store.readAll(store.headPosition(), 10);
            // then
            assertThat(after).isEmpty();
        }

        @Test
        void the_head_is_the_position_of_the_newest_event() {
            // given
            store.append("h1", ExpectedVersion.any(), events(2));
            AppendResult last = store.append("h2", ExpectedVersion.any(), events(2));
            // when
            LogPosition head = store.headPosition();
            // then
            assertThat(head).isEqualTo(last.lastPosition());
            List<RecordedEvent> log = logOf(store);
            assertThat(head).isEqualTo(log.get(log.size() - 1).position());
        }

        @Test
        void a_zero_event_append_leaves_the_head_where_it_was() {
            // given
            store.append("z", ExpectedVersion.any(), events(2));
            LogPosition head = store.headPosition();
            // when
            store.append("z", ExpectedVersion.any(), List.of());
            // then
            assertThat(store.headPosition()).isEqualTo(head);
        }

        @Test
        void the_lazy_log_stream_reads_past_page_boundaries_without_loss() {
            // given
            List<UUID> appended = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                appended.addAll(ids(store.append("bulk-" + i, ExpectedVersion.any(), events(700)).events()));
            }
            // when
            List<RecordedEvent> log = logOf(store);
            // then
            assertThat(ids(log)).isEqualTo(appended);
            assertStrictlyIncreasing(log, LogPosition.START);
        }

        @Test
        void a_page_size_below_one_is_refused() {
            assertThatThrownBy(() -> store.readAll(LogPosition.START, 0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Expected_versions {

        /** The table of RELIABILITY.md, "Expected-version semantics". */
        private static boolean allowed(ExpectedVersion expected, long current) {
            if (expected instanceof ExpectedVersion.Any) {
                return true;
            } else if (expected instanceof ExpectedVersion.NoStream) {
                return current == 0;
            } else if (expected instanceof ExpectedVersion.StreamExists) {
                return current > 0;
            }
            return ((ExpectedVersion.Exactly) expected).version() == current;
        }

        @TestFactory
        Stream<DynamicTest> every_expectation_against_absent_and_existing_streams_with_0_1_and_50_events() {
            AtomicInteger streamNo = new AtomicInteger();
            List<DynamicTest> tests = new ArrayList<>();
            for (long existing : new long[] {0, 3}) {
                Set<Long> ks = new java.util.TreeSet<>(List.of(0L, existing, existing + 1));
                if (existing > 0) {
                    ks.add(existing - 1);
                }
                List<ExpectedVersion> expectations = new ArrayList<>(List.of(ExpectedVersion.any(),
                    ExpectedVersion.noStream(), ExpectedVersion.streamExists()));
                ks.forEach(k -> expectations.add(ExpectedVersion.exactly(k)));
                for (ExpectedVersion expected : expectations) {
                    for (int count : new int[] {0, 1, 50}) {
                        String name = (existing == 0 ? "absent stream" : "stream at version " + existing)
                            + ", expected " + expected + ", " + count + " events";
                        tests.add(DynamicTest.dynamicTest(name, () -> checkCase(
                            "matrix-" + streamNo.incrementAndGet(), existing, expected, count)));
                    }
                }
            }
            return tests.stream();
        }

        private void checkCase(String stream, long existing, ExpectedVersion expected, int count) {
            // given
            if (existing > 0) {
                store.append(stream, ExpectedVersion.noStream(), events((int) existing));
            }
            LogPosition head = store.headPosition();
            List<EventData> batch = events(count);
            // when
            Throwable thrown = catchThrowable(() -> {
                AppendResult result = store.append(stream, expected, batch);
                // then (allowed)
                assertThat(result.streamId()).isEqualTo(stream);
                assertThat(result.previousVersion()).isEqualTo(existing);
                assertThat(result.currentVersion()).isEqualTo(existing + count);
                assertThat(ids(result.events())).isEqualTo(ids(batch));
            });
            // then
            if (allowed(expected, existing)) {
                assertThat(thrown).as("append with %s to version %s", expected, existing).isNull();
                assertThat(store.streamVersion(stream)).isEqualTo(existing + count);
                assertThat(versions(streamOf(store, stream))).isEqualTo(range(1, existing + count));
                if (count == 0) {
                    assertThat(store.headPosition()).isEqualTo(head);
                }
            } else {
                assertThat(thrown).as("append with %s to version %s", expected, existing)
                    .isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                        assertThat(e.streamId()).isEqualTo(stream);
                        assertThat(e.expected()).isEqualTo(expected);
                        assertThat(e.actualVersion()).isEqualTo(existing);
                        assertThat(e.isRetryable()).isTrue();
                    });
                assertThat(store.streamVersion(stream)).isEqualTo(existing);
                assertThat(versions(streamOf(store, stream))).isEqualTo(range(1, existing));
                assertThat(store.headPosition()).isEqualTo(head);
            }
        }

        @Test
        void a_stale_exact_version_is_rejected_naming_stream_expected_and_actual_version() {
            // given
            store.append("account-42", ExpectedVersion.noStream(), events(1));
            // when
            Throwable thrown = catchThrowable(() ->
                store.append("account-42", ExpectedVersion.exactly(5), events(1)));
            // then
            assertThat(thrown).isInstanceOfSatisfying(ConcurrencyConflictException.class, e -> {
                assertThat(e.streamId()).isEqualTo("account-42");
                assertThat(e.expected()).isEqualTo(ExpectedVersion.exactly(5));
                assertThat(e.actualVersion()).isEqualTo(1);
                assertThat(e.getMessage()).contains("account-42");
            });
        }

        @Test
        void a_huge_exact_version_is_a_conflict_not_an_error() {
            // when
            Throwable thrown = catchThrowable(() ->
                store.append("huge", ExpectedVersion.exactly(Long.MAX_VALUE), events(1)));
            // then
            assertThat(thrown).isInstanceOfSatisfying(ConcurrencyConflictException.class,
                e -> assertThat(e.actualVersion()).isZero());
        }

        @Test
        void a_batch_rejected_for_its_expected_version_can_be_appended_with_the_right_one() {
            // given
            store.append("second-try", ExpectedVersion.noStream(), events(2));
            List<EventData> batch = events(2);
            assertThat(catchThrowable(() -> store.append("second-try", ExpectedVersion.exactly(1), batch)))
                .isInstanceOf(ConcurrencyConflictException.class);
            // when
            AppendResult result = store.append("second-try", ExpectedVersion.exactly(2), batch);
            // then
            assertThat(result.previousVersion()).isEqualTo(2);
            assertThat(versions(result.events())).containsExactly(3L, 4L);
            assertThat(ids(streamOf(store, "second-try")).subList(2, 4)).isEqualTo(ids(batch));
        }

        @Test
        void exactly_zero_behaves_as_no_stream() {
            // given
            store.append("zero", ExpectedVersion.exactly(0), events(1));
            // when
            Throwable thrown = catchThrowable(() -> store.append("zero", ExpectedVersion.exactly(0), events(1)));
            // then
            assertThat(thrown).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(store.streamVersion("zero")).isEqualTo(1);
        }

        @Test
        void a_zero_event_append_to_an_absent_stream_does_not_create_it() {
            // when
            AppendResult result = store.append("never", ExpectedVersion.noStream(), List.of());
            // then
            assertThat(result.previousVersion()).isZero();
            assertThat(result.currentVersion()).isZero();
            assertThat(result.events()).isEmpty();
            assertThat(store.streamVersion("never")).isZero();
            assertThat(store.headPosition()).isEqualTo(LogPosition.START);
            assertThat(store.append("never", ExpectedVersion.noStream(), events(1)).currentVersion()).isEqualTo(1);
        }

        @Test
        void a_zero_event_append_to_an_existing_stream_returns_its_current_version() {
            // given
            store.append("some", ExpectedVersion.noStream(), events(2));
            // when
            AppendResult result = store.append("some", ExpectedVersion.streamExists(), List.of());
            // then
            assertThat(result.previousVersion()).isEqualTo(2);
            assertThat(result.currentVersion()).isEqualTo(2);
            assertThat(result.events()).isEmpty();
            assertThat(store.streamVersion("some")).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Idempotent_appends {

        private final List<ExpectedVersion> firstExpectations =
            List.of(ExpectedVersion.any(), ExpectedVersion.exactly(0));

        @Test
        void the_same_batch_appended_three_times_is_stored_once_and_returns_the_original_result() {
            for (ExpectedVersion expected : firstExpectations) {
                // given
                String stream = "retry-" + expected;
                List<EventData> batch = events(3);
                AppendResult original = store.append(stream, expected, batch);
                int logSize = logOf(store).size();
                // when
                clock.advance(Duration.ofSeconds(1));
                AppendResult second = store.append(stream, expected, batch);
                AppendResult third = store.append(stream, expected, batch);
                // then
                assertThat(second).isEqualTo(original);
                assertThat(third).isEqualTo(original);
                assertThat(store.streamVersion(stream)).isEqualTo(3);
                assertThat(logOf(store)).hasSize(logSize);
            }
        }

        @Test
        void the_same_batch_with_another_expected_version_returns_the_original_result() {
            for (ExpectedVersion expected : firstExpectations) {
                // given
                String stream = "other-expectation-" + expected;
                store.append(stream, ExpectedVersion.any(), events(1));
                List<EventData> batch = events(2);
                AppendResult original = store.append(stream, expected instanceof ExpectedVersion.Any
                    ? expected : ExpectedVersion.exactly(1), batch);
                store.append(stream, ExpectedVersion.any(), events(1));
                // when
                List<AppendResult> retries = Stream.of(ExpectedVersion.any(), ExpectedVersion.noStream(),
                        ExpectedVersion.streamExists(), ExpectedVersion.exactly(0), ExpectedVersion.exactly(1),
                        ExpectedVersion.exactly(99))
                    .map(retryExpectation -> store.append(stream, retryExpectation, batch)).toList();
                // then
                assertThat(retries).allSatisfy(retry -> assertThat(retry).isEqualTo(original));
                assertThat(original.previousVersion()).isEqualTo(1);
                assertThat(original.currentVersion()).isEqualTo(3);
                assertThat(store.streamVersion(stream)).isEqualTo(4);
            }
        }

        @Test
        void a_retried_part_of_a_stored_batch_returns_the_stored_events() {
            // given
            List<EventData> batch = events(3);
            AppendResult original = store.append("part", ExpectedVersion.noStream(), batch);
            // when
            AppendResult retry = store.append("part", ExpectedVersion.noStream(), batch.subList(0, 2));
            // then
            assertThat(retry.previousVersion()).isZero();
            assertThat(retry.currentVersion()).isEqualTo(2);
            assertThat(retry.events()).isEqualTo(original.events().subList(0, 2));
            assertThat(store.streamVersion("part")).isEqualTo(3);
        }

        @Test
        void partly_overlapping_ids_are_an_idempotency_conflict_and_nothing_is_written() {
            for (ExpectedVersion expected : firstExpectations) {
                // given
                String stream = "overlap-" + expected;
                List<EventData> batch = events(2);
                store.append(stream, expected, batch);
                LogPosition head = store.headPosition();
                int logSize = logOf(store).size();
                List<EventData> overlapping = List.of(batch.get(1), event("Counted", "{\"n\":3}"));
                // when
                Throwable thrown = catchThrowable(() -> store.append(stream,
                    expected instanceof ExpectedVersion.Any ? expected : ExpectedVersion.exactly(2), overlapping));
                // then
                assertThat(thrown).isInstanceOfSatisfying(IdempotencyConflictException.class, e -> {
                    assertThat(e.streamId()).isEqualTo(stream);
                    assertThat(e.eventId()).isEqualTo(batch.get(1).eventId());
                    assertThat(e.isRetryable()).isFalse();
                });
                assertThat(store.streamVersion(stream)).isEqualTo(2);
                assertNothingWritten(head, logSize);
            }
        }

        @Test
        void the_same_ids_in_another_order_are_an_idempotency_conflict() {
            // given
            List<EventData> batch = events(2);
            store.append("reordered", ExpectedVersion.noStream(), batch);
            // when
            Throwable thrown = catchThrowable(() ->
                store.append("reordered", ExpectedVersion.any(), List.of(batch.get(1), batch.get(0))));
            // then
            assertThat(thrown).isInstanceOf(IdempotencyConflictException.class);
            assertThat(store.streamVersion("reordered")).isEqualTo(2);
        }

        @Test
        void an_id_already_stored_in_another_stream_is_an_idempotency_conflict() {
            for (ExpectedVersion expected : firstExpectations) {
                // given
                List<EventData> batch = events(1);
                store.append("owner-" + expected, ExpectedVersion.any(), batch);
                LogPosition head = store.headPosition();
                int logSize = logOf(store).size();
                String thief = "thief-" + expected;
                // when
                Throwable thrown = catchThrowable(() -> store.append(thief, expected, batch));
                // then
                assertThat(thrown).isInstanceOfSatisfying(IdempotencyConflictException.class, e -> {
                    assertThat(e.streamId()).isEqualTo(thief);
                    assertThat(e.eventId()).isEqualTo(batch.get(0).eventId());
                });
                assertThat(store.streamVersion(thief)).isZero();
                assertNothingWritten(head, logSize);
            }
        }

        @Test
        void an_id_repeated_inside_one_batch_is_refused_before_anything_is_written() {
            for (ExpectedVersion expected : firstExpectations) {
                // given
                String stream = "twice-" + expected;
                EventData once = event("Counted", "{\"n\":1}");
                List<EventData> batch = List.of(once, event("Counted", "{\"n\":2}"), once);
                // when
                Throwable thrown = catchThrowable(() -> store.append(stream, expected, batch));
                // then
                assertThat(thrown).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining(once.eventId().toString());
                assertThat(store.streamVersion(stream)).isZero();
                assertNothingWritten(LogPosition.START, 0);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Concurrent_appends {

        @Test
        void eight_threads_appending_with_exact_versions_to_one_stream_win_each_version_exactly_once()
            throws Exception {
            // given
            int threads = 8;
            int attempts = 50;
            String stream = "hot";
            Map<Long, UUID> winners = new ConcurrentHashMap<>();
            AtomicInteger successes = new AtomicInteger();
            AtomicInteger conflicts = new AtomicInteger();
            AtomicInteger duplicateWins = new AtomicInteger();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            // when
            runConcurrently(threads, thread -> {
                long loaded = loadVersion(stream);
                for (int attempt = 0; attempt < attempts; attempt++) {
                    EventData event = event("Hit", "{\"thread\":" + thread + ",\"attempt\":" + attempt + "}");
                    try {
                        AppendResult result = store.append(stream, ExpectedVersion.exactly(loaded), List.of(event));
                        successes.incrementAndGet();
                        if (result.currentVersion() != loaded + 1 || result.previousVersion() != loaded) {
                            problems.add("expected " + loaded + " but won " + result);
                        }
                        if (winners.putIfAbsent(result.currentVersion(), event.eventId()) != null) {
                            duplicateWins.incrementAndGet();
                        }
                        loaded = result.currentVersion();
                    } catch (ConcurrencyConflictException conflict) {
                        conflicts.incrementAndGet();
                        if (conflict.actualVersion() <= loaded) {
                            problems.add("conflict at " + loaded + " reports actual " + conflict.actualVersion());
                        }
                        loaded = loadVersion(stream);
                    }
                }
            });
            // then
            long n = store.streamVersion(stream);
            List<RecordedEvent> read = streamOf(store, stream);
            assertThat(problems).isEmpty();
            assertThat(duplicateWins).hasValue(0);
            assertThat(successes.get()).isEqualTo(n);
            assertThat(successes.get() + conflicts.get()).isEqualTo(threads * attempts);
            assertThat(n).isGreaterThanOrEqualTo(attempts);
            assertThat(versions(read)).isEqualTo(range(1, n));
            assertThat(winners.keySet()).containsExactlyInAnyOrderElementsOf(range(1, n));
            assertThat(read).allSatisfy(e -> assertThat(e.eventId()).isEqualTo(winners.get(e.version())));
            assertThat(store.verify(stream).valid()).isTrue();
        }

        private long loadVersion(String stream) {
            try (Stream<RecordedEvent> newest = store.readStream(stream, ReadDirection.BACKWARDS, Long.MAX_VALUE, 1)) {
                return newest.findFirst().map(RecordedEvent::version).orElse(0L);
            }
        }

        @Test
        void exactly_one_of_eight_threads_creates_a_stream_with_no_stream() throws Exception {
            // given
            int streams = 10;
            Map<String, Set<Integer>> creators = new ConcurrentHashMap<>();
            AtomicInteger conflicts = new AtomicInteger();
            // when
            runConcurrently(8, thread -> {
                for (int i = 0; i < streams; i++) {
                    try {
                        store.append("race-" + i, ExpectedVersion.noStream(), events(2));
                        creators.computeIfAbsent("race-" + i, k -> ConcurrentHashMap.newKeySet()).add(thread);
                    } catch (ConcurrencyConflictException e) {
                        conflicts.incrementAndGet();
                    }
                }
            });
            // then
            assertThat(creators).hasSize(streams);
            assertThat(creators.values()).allSatisfy(winners -> assertThat(winners).hasSize(1));
            assertThat(conflicts).hasValue(7 * streams);
            for (int i = 0; i < streams; i++) {
                assertThat(versions(streamOf(store, "race-" + i))).containsExactly(1L, 2L);
            }
        }

        @Test
        void eight_threads_retrying_the_same_batch_at_once_store_it_once_and_all_get_the_original_result()
            throws Exception {
            for (ExpectedVersion expected : List.of(ExpectedVersion.any(), ExpectedVersion.exactly(0))) {
                // given
                String stream = "same-batch-" + expected;
                List<EventData> batch = events(3);
                ConcurrentLinkedQueue<AppendResult> results = new ConcurrentLinkedQueue<>();
                // when
                runConcurrently(8, thread -> results.add(store.append(stream, expected, batch)));
                // then
                assertThat(results).hasSize(8);
                AppendResult first = results.peek();
                assertThat(results).allSatisfy(result -> assertThat(result).isEqualTo(first));
                assertThat(first.previousVersion()).isZero();
                assertThat(ids(first.events())).isEqualTo(ids(batch));
                assertThat(ids(streamOf(store, stream))).isEqualTo(ids(batch));
            }
            assertThat(logOf(store)).hasSize(6);
        }

        @Test
        void a_reader_following_the_log_while_eight_writers_append_sees_every_event_once_in_order()
            throws Exception {
            // given
            int writers = 8;
            int appendsPerWriter = 20;
            int expectedTotal = writers * IntStream.range(0, appendsPerWriter).map(a -> 1 + a % 3).sum();
            AtomicBoolean writersDone = new AtomicBoolean();
            List<RecordedEvent> seen = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    String stream = "writer-" + w;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int a = 0; a < appendsPerWriter; a++) {
                            store.append(stream, ExpectedVersion.exactly(store.streamVersion(stream)),
                                events(1 + a % 3));
                        }
                        return null;
                    }));
                }
                // when
                start.countDown();
                long deadline = System.nanoTime() + CONCURRENCY_TIMEOUT.toNanos();
                LogPosition cursor = LogPosition.START;
                while (true) {
                    boolean finished = writersDone.get();
                    List<RecordedEvent> page = store.readAll(cursor, 7);
                    for (RecordedEvent event : page) {
                        if (!event.position().isAfter(cursor)) {
                            problems.add(event.position() + " handed out after cursor " + cursor);
                        }
                        cursor = event.position();
                    }
                    seen.addAll(page);
                    if (page.isEmpty()) {
                        if (finished && seen.size() >= expectedTotal) {
                            break;
                        }
                        if (System.nanoTime() > deadline) {
                            problems.add("reader saw " + seen.size() + " of " + expectedTotal + " events in "
                                + CONCURRENCY_TIMEOUT);
                            break;
                        }
                        if (!finished && futures.stream().allMatch(Future::isDone)) {
                            for (Future<?> future : futures) {
                                future.get();
                            }
                            writersDone.set(true);
                        }
                        Thread.onSpinWait();
                    }
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(CONCURRENCY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            }
            // then
            assertThat(problems).isEmpty();
            assertThat(seen).hasSize(expectedTotal);
            assertThat(new HashSet<>(ids(seen))).hasSize(expectedTotal);
            assertStrictlyIncreasing(seen, LogPosition.START);
            Map<String, List<Long>> versionsByStream = new LinkedHashMap<>();
            seen.forEach(e -> versionsByStream.computeIfAbsent(e.streamId(), k -> new ArrayList<>()).add(e.version()));
            assertThat(versionsByStream).hasSize(writers);
            versionsByStream.forEach((stream, seenVersions) ->
                assertThat(seenVersions).as(stream).isEqualTo(range(1, seenVersions.size())));
            assertThat(logOf(store)).isEqualTo(seen);
            assertThat(store.headPosition()).isEqualTo(seen.get(seen.size() - 1).position());
        }

        @Test
        void readers_never_see_part_of_a_batch() throws Exception {
            // given
            int batchSize = 5;
            int batches = 40;
            AtomicBoolean done = new AtomicBoolean();
            ConcurrentLinkedQueue<String> torn = new ConcurrentLinkedQueue<>();
            AtomicInteger observations = new AtomicInteger();
            // when: one thread appends batches while three others keep reading
            runConcurrently(4, thread -> {
                if (thread == 0) {
                    try {
                        for (int b = 0; b < batches; b++) {
                            store.append("atomic", ExpectedVersion.exactly((long) b * batchSize), events(batchSize));
                        }
                    } finally {
                        done.set(true);
                    }
                    return;
                }
                // do-while: on a loaded machine the writer may finish before a reader is scheduled at all
                do {
                    int streamSize = streamOf(store, "atomic").size();
                    long version = store.streamVersion("atomic");
                    int logSize = logOf(store).size();
                    for (long seen : new long[] {streamSize, version, logSize}) {
                        if (seen % batchSize != 0) {
                            torn.add("saw " + seen + " events");
                        }
                    }
                    observations.incrementAndGet();
                } while (!done.get());
            });
            // then
            assertThat(torn).isEmpty();
            assertThat(observations.get()).isPositive();
            assertThat(store.streamVersion("atomic")).isEqualTo((long) batches * batchSize);
        }

        /** Runs {@code body} on {@code threads} threads that start together; rethrows the first failure. */
        private void runConcurrently(int threads, ThreadBody body) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        body.run(thread);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> future : futures) {
                    future.get(CONCURRENCY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(CONCURRENCY_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    /** The work of one thread in a concurrency test. */
    @FunctionalInterface
    interface ThreadBody {
        void run(int thread) throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Time_bounded_reads {

        private final Instant t1 = T0.plusSeconds(10);
        private final Instant t2 = T0.plusSeconds(20);
        private final Instant t3 = T0.plusSeconds(30);
        private final Duration micro = Duration.ofNanos(1_000);
        private final Map<String, RecordedEvent> byName = new HashMap<>();

        @BeforeEach
        void events_at_t1_t2_and_t3() {
            clock.set(t1);
            byName.put("s1", store.append("timed", ExpectedVersion.any(), events(1)).events().get(0));
            clock.set(t2);
            byName.put("s2", store.append("timed", ExpectedVersion.any(), events(1)).events().get(0));
            byName.put("o2", store.append("other", ExpectedVersion.any(), events(1)).events().get(0));
            clock.set(t3);
            byName.put("s3", store.append("timed", ExpectedVersion.any(), events(1)).events().get(0));
        }

        private List<RecordedEvent> between(String stream, Instant from, Instant to) {
            try (Stream<RecordedEvent> events = store.readStreamBetween(stream, from, to)) {
                return events.toList();
            }
        }

        private List<RecordedEvent> allBetween(Instant from, Instant to) {
            try (Stream<RecordedEvent> events = store.readAllBetween(from, to)) {
                return events.toList();
            }
        }

        private List<RecordedEvent> named(String... names) {
            return Stream.of(names).map(byName::get).toList();
        }

        @Test
        void events_are_recorded_at_the_clock_time() {
            assertThat(byName.get("s1").recordedAt()).isEqualTo(t1);
            assertThat(streamOf(store, "timed").get(2).recordedAt()).isEqualTo(t3);
        }

        @Test
        void a_stream_read_includes_the_start_and_excludes_the_end() {
            assertThat(between("timed", t1, t3)).isEqualTo(named("s1", "s2"));
            assertThat(between("timed", t1, t3.plus(micro))).isEqualTo(named("s1", "s2", "s3"));
            assertThat(between("timed", t1.plus(micro), t3.plus(micro))).isEqualTo(named("s2", "s3"));
            assertThat(between("timed", t2, t2.plus(micro))).isEqualTo(named("s2"));
        }

        @Test
        void an_empty_or_late_window_and_an_absent_stream_return_nothing() {
            assertThat(between("timed", t2, t2)).isEmpty();
            assertThat(between("timed", t3.plus(micro), t3.plusSeconds(60))).isEmpty();
            assertThat(between("absent", Instant.EPOCH, t3.plusSeconds(60))).isEmpty();
        }

        @Test
        void a_log_read_up_to_an_instant_returns_the_earlier_events_of_every_stream_in_log_order() {
            assertThat(allBetween(Instant.EPOCH, t2)).isEqualTo(named("s1"));
            assertThat(allBetween(Instant.EPOCH, t3)).isEqualTo(named("s1", "s2", "o2"));
            assertThat(allBetween(t2, t3)).isEqualTo(named("s2", "o2"));
            assertThat(allBetween(t2, Instant.parse("3000-01-01T00:00:00Z"))).isEqualTo(named("s2", "o2", "s3"));
        }

        @Test
        void recording_times_are_truncated_to_microseconds() {
            // given
            Instant precise = T0.plusSeconds(100).plusNanos(123_456_789);
            clock.set(precise);
            // when
            RecordedEvent recorded = store.append("precise", ExpectedVersion.any(), events(1)).events().get(0);
            // then
            Instant micros = T0.plusSeconds(100).plusNanos(123_456_000);
            assertThat(recorded.recordedAt()).isEqualTo(micros);
            assertThat(streamOf(store, "precise").get(0).recordedAt()).isEqualTo(micros);
            assertThat(between("precise", micros, micros.plus(micro))).hasSize(1);
        }

        @Test
        void a_clock_that_steps_back_does_not_change_versions_or_the_log_order() {
            // given
            clock.set(t1.minusSeconds(5));
            // when
            AppendResult late = store.append("timed", ExpectedVersion.any(), events(1));
            // then
            assertThat(late.currentVersion()).isEqualTo(4);
            assertThat(late.events().get(0).position()).isGreaterThan(byName.get("s3").position());
            assertThat(between("timed", Instant.EPOCH, t1)).extracting(RecordedEvent::version).containsExactly(4L);
            assertThat(store.verify("timed").valid()).isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Round_trips {

        @Test
        void metadata_with_every_field_and_extra_entries_round_trips() {
            // given
            EventMetadata metadata = new EventMetadata("corr-1", "cause-2", "ada@example.org", "tenant-é",
                Map.of("zeta", "last", "alpha", "first", "emoji 😀", "value ✓", "empty", ""));
            EventData sent = event("Tagged", "{}").withMetadata(metadata);
            // when
            store.append("meta", ExpectedVersion.any(), List.of(sent));
            // then
            RecordedEvent read = streamOf(store, "meta").get(0);
            assertThat(read.metadata()).isEqualTo(metadata);
            assertThat(read.metadata().extra().keySet()).containsExactly("alpha", "emoji 😀", "empty", "zeta");
            assertThat(logOf(store).get(0).metadata()).isEqualTo(metadata);
        }

        @Test
        void absent_metadata_fields_stay_absent_and_empty_strings_stay_empty() {
            // given
            EventMetadata partial = new EventMetadata(null, "", null, "t", Map.of());
            // when
            store.append("meta", ExpectedVersion.any(), List.of(
                event("Plain", "{}"), event("Partial", "{}").withMetadata(partial)));
            // then
            List<RecordedEvent> read = streamOf(store, "meta");
            assertThat(read.get(0).metadata()).isEqualTo(EventMetadata.empty());
            assertThat(read.get(1).metadata()).isEqualTo(partial);
            assertThat(read.get(1).metadata().correlationId()).isNull();
            assertThat(read.get(1).metadata().causationId()).isEmpty();
        }

        @Test
        void payload_bytes_round_trip_exactly() {
            // given: JSON a database might normalize (spacing, key order, number forms, escapes) and non-ASCII text
            List<String> payloads = List.of(
                "{\"z\":1,\"a\":2}",
                "{ \"spaced\" : [ 1 , 2 ] ,\n\t\"nested\": {\"k\": null} }",
                "{\"decimal\":1.50,\"exp\":1E2,\"big\":123456789012345678901234567890}",
                "{\"text\":\"é e\u0301 中文 😀 \u202Eabc\",\"escaped\":\"\\u00e9\\n\\\"q\\\"\"}",
                "{\"dup\":1,\"dup\":2}",
                "[]",
                "{}");
            List<EventData> sent = payloads.stream().map(json -> event("Raw", json)).toList();
            // when
            store.append("bytes", ExpectedVersion.any(), sent);
            // then
            List<RecordedEvent> read = streamOf(store, "bytes");
            for (int i = 0; i < payloads.size(); i++) {
                assertThat(read.get(i).payload()).as(payloads.get(i))
                    .isEqualTo(payloads.get(i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(store.verify("bytes").valid()).isTrue();
        }

        @Test
        void type_name_schema_version_and_id_round_trip() {
            // given
            UUID id = UUID.fromString("0196a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
            EventData sent = new EventData(id, "bank.MoneyDeposited.v2-ä", 3, "{\"amount\":5}".getBytes(
                StandardCharsets.UTF_8), EventMetadata.empty());
            // when
            store.append("types", ExpectedVersion.any(), List.of(sent));
            // then
            RecordedEvent read = streamOf(store, "types").get(0);
            assertThat(read.eventId()).isEqualTo(id);
            assertThat(read.type()).isEqualTo("bank.MoneyDeposited.v2-ä");
            assertThat(read.schemaVersion()).isEqualTo(3);
            assertThat(read.toEventData()).isEqualTo(sent);
        }

        @Test
        void unusual_stream_ids_round_trip_exactly_and_stay_distinct() {
            // given: SQL and LIKE metacharacters, path-like names, case and Unicode normalization variants
            List<String> streamIds = List.of("a'; drop table el_event;--", "\"x\" || pg_sleep(5)", "%", "_", "\\",
                "$all", "..", "/", "\u202Eevil", "emoji-😀", "caf\u00e9", "cafe\u0301", "Account-1", "account-1",
                " padded ", "x".repeat(AppendLimits.DEFAULT_MAX_STREAM_ID_LENGTH));
            // when
            for (String streamId : streamIds) {
                store.append(streamId, ExpectedVersion.noStream(), events(1));
            }
            // then
            for (String streamId : streamIds) {
                List<RecordedEvent> read = streamOf(store, streamId);
                assertThat(read).as(streamId).hasSize(1);
                assertThat(read.get(0).streamId()).isEqualTo(streamId);
                assertThat(store.streamVersion(streamId)).isEqualTo(1);
            }
            assertThat(logOf(store)).extracting(RecordedEvent::streamId).containsExactlyElementsOf(streamIds);
            assertThat(store.verifyAll().valid()).isTrue();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Bad_input {

        private void assertRefused(String streamId, List<EventData> batch, String because) {
            // when
            Throwable thrown = catchThrowable(() -> store.append(streamId, ExpectedVersion.any(), batch));
            // then
            assertThat(thrown).as(because).isInstanceOfSatisfying(InvalidEventException.class,
                e -> assertThat(e.isRetryable()).isFalse());
            assertThat(store.headPosition()).as(because).isEqualTo(LogPosition.START);
            assertThat(logOf(store)).as(because).isEmpty();
        }

        @Test
        void blank_too_long_and_malformed_stream_ids_are_refused_and_nothing_is_written() {
            assertRefused("", events(1), "empty");
            assertRefused("   ", events(1), "blank");
            assertRefused("x".repeat(AppendLimits.DEFAULT_MAX_STREAM_ID_LENGTH + 1), events(1), "too long");
            assertRefused("nul\u0000inside", events(1), "NUL");
            assertRefused("lone-\uD800-high", events(1), "lone high surrogate");
            assertRefused("lone-\uDC00-low", events(1), "lone low surrogate");
            assertRefused("ends-high-\uD83D", events(1), "high surrogate at the end");
            assertRefused("line\nbreak", events(1), "control character");
        }

        @Test
        void malformed_type_names_are_refused() {
            assertRefused("types", List.of(event("Nul\u0000Type", "{}")), "NUL in type");
            assertRefused("types", List.of(event("T".repeat(AppendLimits.DEFAULT_MAX_TYPE_LENGTH + 1), "{}")),
                "type too long");
            assertRefused("types", List.of(event("Lone\uDFFF", "{}")), "lone surrogate in type");
        }

        @Test
        void a_payload_over_the_limit_refuses_the_whole_batch() {
            // given: two fine events, then one a byte over the default limit
            String big = "\"" + "a".repeat(AppendLimits.DEFAULT_MAX_PAYLOAD_BYTES - 1) + "\"";
            List<EventData> batch = new ArrayList<>(events(2));
            batch.add(event("Big", big));
            // when, then
            assertRefused("big", batch, "payload over the limit");
            assertThat(store.streamVersion("big")).isZero();
        }

        @Test
        void a_payload_of_exactly_the_limit_is_accepted_and_round_trips() {
            // given
            String json = "\"" + "a".repeat(AppendLimits.DEFAULT_MAX_PAYLOAD_BYTES - 2) + "\"";
            // when
            store.append("limit", ExpectedVersion.any(), List.of(event("Big", json)));
            // then
            assertThat(streamOf(store, "limit").get(0).payloadAsString()).isEqualTo(json);
        }

        @Test
        void metadata_counts_towards_the_size_limit() {
            // given: a payload that fits alone, plus metadata that takes the event over the limit
            String json = "\"" + "a".repeat(AppendLimits.DEFAULT_MAX_PAYLOAD_BYTES - 2) + "\"";
            EventData event = event("Big", json).withMetadata(EventMetadata.empty().withPrincipal("ada"));
            // when, then
            assertRefused("big-meta", List.of(event), "payload plus metadata over the limit");
        }

        @Test
        void metadata_with_nul_or_a_lone_surrogate_is_refused() {
            assertRefused("meta", List.of(event("T", "{}").withMetadata(EventMetadata.empty().withPrincipal("a\u0000b"))),
                "NUL in the principal");
            assertRefused("meta", List.of(event("T", "{}").withMetadata(EventMetadata.empty().with("k", "\uD800"))),
                "lone surrogate in an extra value");
            assertRefused("meta", List.of(event("T", "{}").withMetadata(EventMetadata.empty().with("\uDC00", "v"))),
                "lone surrogate in an extra key");
        }

        @Test
        void metadata_with_line_breaks_and_emoji_is_accepted() {
            // when
            EventMetadata metadata = EventMetadata.empty().with("note", "line 1\nline 2\t😀");
            store.append("meta", ExpectedVersion.any(), List.of(event("T", "{}").withMetadata(metadata)));
            // then
            assertThat(streamOf(store, "meta").get(0).metadata()).isEqualTo(metadata);
        }

        @Test
        void more_events_than_the_batch_limit_are_refused() {
            assertRefused("many", events(AppendLimits.DEFAULT_MAX_EVENTS_PER_APPEND + 1), "too many events");
        }

        @Test
        void a_refused_batch_leaves_the_store_usable_for_the_fixed_batch() {
            // given
            EventData good = event("T", "{}");
            assertRefused("fixed", List.of(good, event("Bad\u0000", "{}")), "NUL in type");
            // when
            AppendResult result = store.append("fixed", ExpectedVersion.noStream(), List.of(good));
            // then
            assertThat(result.currentVersion()).isEqualTo(1);
            assertThat(ids(logOf(store))).containsExactly(good.eventId());
        }

        @Test
        void null_arguments_are_refused_with_the_parameter_name() {
            assertThatThrownBy(() -> store.append(null, ExpectedVersion.any(), events(1)))
                .isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> store.append("s", null, events(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("expected");
            assertThatThrownBy(() -> store.append("s", ExpectedVersion.any(), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("events");
            assertThat(logOf(store)).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Checksums {

        @Test
        void every_checksum_links_the_event_to_the_previous_one_in_its_stream() {
            // given
            store.append("chain", ExpectedVersion.any(), events(3));
            store.append("elsewhere", ExpectedVersion.any(), events(1));
            store.append("chain", ExpectedVersion.any(), events(2));
            // when
            List<RecordedEvent> read = streamOf(store, "chain");
            // then
            HashChain chain = hashChain();
            String previous = "";
            for (RecordedEvent event : read) {
                assertThat(event.checksum()).matches("[0-9a-f]{64}");
                assertThat(event.checksum()).as("checksum of version %s", event.version())
                    .isEqualTo(chain.link(previous, event));
                previous = event.checksum();
            }
        }

        @Test
        void verify_is_intact_after_many_appends_to_several_streams() {
            // given
            int total = 0;
            for (int i = 0; i < 30; i++) {
                int count = 1 + i % 4;
                store.append("verified-" + (i % 3), ExpectedVersion.any(), events(count));
                total += count;
                clock.advance(Duration.ofMillis(1));
            }
            // when
            IntegrityReport one = store.verify("verified-1");
            IntegrityReport all = store.verifyAll();
            // then
            assertThat(one.valid()).isTrue();
            assertThat(one.eventsChecked()).isEqualTo(store.streamVersion("verified-1"));
            assertThat(all.valid()).isTrue();
            assertThat(all.firstViolation()).isEmpty();
            assertThat(all.eventsChecked()).isEqualTo(total);
        }

        @Test
        void an_absent_stream_and_an_empty_store_verify_as_intact() {
            assertThat(store.verify("absent")).isEqualTo(IntegrityReport.intact(0));
            assertThat(store.verifyAll()).isEqualTo(IntegrityReport.intact(0));
        }

        @Test
        void verify_with_the_current_head_checksum_is_intact() {
            // given
            store.append("kept", ExpectedVersion.any(), events(3));
            AppendResult head = store.append("kept", ExpectedVersion.any(), events(2));
            // when
            IntegrityReport report = store.verify("kept", head.currentVersion(), head.lastChecksum());
            // then
            assertThat(report.valid()).isTrue();
            assertThat(report.eventsChecked()).isEqualTo(5);
        }

        @Test
        void verify_with_an_older_kept_head_is_intact_after_later_appends() {
            // given
            AppendResult kept = store.append("kept", ExpectedVersion.any(), events(3));
            store.append("kept", ExpectedVersion.any(), events(2));
            // when
            IntegrityReport report = store.verify("kept", kept.currentVersion(), kept.lastChecksum());
            // then
            assertThat(report.valid()).isTrue();
        }

        @Test
        void a_kept_checksum_that_does_not_match_names_the_rewritten_version() {
            // given
            AppendResult kept = store.append("kept", ExpectedVersion.any(), events(3));
            String forged = kept.lastChecksum().equals("0".repeat(64)) ? "1".repeat(64) : "0".repeat(64);
            // when
            IntegrityReport report = store.verify("kept", 3, forged);
            // then
            assertThat(report.valid()).isFalse();
            assertThat(report.violation().version()).isEqualTo(3);
            assertThat(report.violation().streamId()).isEqualTo("kept");
            assertThat(report.violation().reason()).isEqualTo(IntegrityReport.Reason.CONTENT_CHANGED);
        }

        @Test
        void a_truncated_tail_is_detected_only_when_the_kept_head_is_newer_than_the_stream() throws Exception {
            // given: a second store holding the same first three events plays the truncated copy
            List<EventData> batch = events(5);
            AppendResult full = store.append("truncated", ExpectedVersion.noStream(), batch);
            String checksumAt3 = full.events().get(2).checksum();
            EventStore truncated = newStore(new MutableClock(T0));
            try {
                truncated.append("truncated", ExpectedVersion.noStream(), batch.subList(0, 3));
                // when
                IntegrityReport withoutReceipt = truncated.verify("truncated");
                IntegrityReport withOlderReceipt = truncated.verify("truncated", 3, checksumAt3);
                IntegrityReport withNewerReceipt = truncated.verify("truncated", 5, full.lastChecksum());
                // then
                assertThat(withoutReceipt.valid()).isTrue();
                assertThat(withOlderReceipt.valid()).isTrue();
                assertThat(withNewerReceipt.valid()).isFalse();
                assertThat(withNewerReceipt.violation().reason()).isEqualTo(IntegrityReport.Reason.TAIL_TRUNCATED);
                assertThat(withNewerReceipt.violation().version()).isEqualTo(4);
                assertThat(withNewerReceipt.violation().streamId()).isEqualTo("truncated");
                assertThat(store.verify("truncated", 5, full.lastChecksum()).valid()).isTrue();
            } finally {
                if (truncated instanceof AutoCloseable closeable) {
                    closeable.close();
                }
            }
        }

        @Test
        void checksums_differ_between_events_and_streams() {
            // given
            List<EventData> batch = events(3);
            // when
            List<RecordedEvent> one = store.append("one", ExpectedVersion.any(), batch).events();
            List<RecordedEvent> two = store.append("two", ExpectedVersion.any(), events(3)).events();
            // then
            Set<String> checksums = Stream.concat(one.stream(), two.stream()).map(RecordedEvent::checksum)
                .collect(Collectors.toSet());
            assertThat(checksums).hasSize(6);
        }
    }
}
