package dev.eventline.core.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.aggregate.TestBank;
import dev.eventline.core.integrity.IntegrityReport;
import dev.eventline.core.testkit.MutableClock;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BranchStorage} must give {@link Branches}, run over a main store of the same kind:
 * in memory here, H2 and PostgreSQL in {@code eventstore-jdbc}.
 * <p>
 * A storage's test class implements {@link #newMainStore}, {@link #newStorage} and {@link #tamper}; each test gets
 * a fresh, empty main store and storage whose clock starts at {@link #T0}.
 */
public abstract class BranchContract {

    /** The instant the clock shows when each test starts. */
    protected static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    /** Later than any test event; databases cannot store {@link Instant#MAX}. */
    private static final Instant FAR_FUTURE = Instant.parse("3000-01-01T00:00:00Z");

    /** The clock of the main store and the branches. */
    protected MutableClock clock;
    /** The main store under test. */
    protected EventStore main;
    /** The branches of {@link #main}. */
    protected Branches branches;

    /**
     * @param clock the source of recording times
     * @return a new, empty main store using that clock
     */
    protected abstract EventStore newMainStore(InstantSource clock);

    /**
     * @param main the main store just made
     * @return a new, empty branch storage beside it
     */
    protected abstract BranchStorage newStorage(EventStore main);

    /**
     * Changes the payload of one of a branch's own stored events behind the library's back.
     *
     * @param branch the branch
     * @param streamId the stream
     * @param version the version of the event to change
     * @param payload the new payload
     */
    protected abstract void tamper(BranchStore branch, String streamId, long version, String payload);

    @BeforeEach
    void create_the_stores() {
        clock = new MutableClock(T0);
        main = newMainStore(clock);
        branches = Branches.builder(main).storage(newStorage(main)).clock(clock).build();
    }

    @AfterEach
    void close_the_stores() throws Exception {
        if (main instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    private static EventData event(String type, String json) {
        return EventData.of(type, json);
    }

    private AppendResult append(EventStore store, String stream, String json) {
        clock.advance(Duration.ofSeconds(1));
        return store.append(stream, ExpectedVersion.any(), List.of(event("Noted", json)));
    }

    private static List<String> payloads(Stream<RecordedEvent> events) {
        try (events) {
            return events.map(RecordedEvent::payloadAsString).toList();
        }
    }

    private static List<RecordedEvent> readAllByPages(EventStore store, int pageSize) {
        List<RecordedEvent> all = new ArrayList<>();
        LogPosition cursor = LogPosition.START;
        while (true) {
            List<RecordedEvent> page = store.readAll(cursor, pageSize);
            all.addAll(page);
            if (page.isEmpty()) {
                return all;
            }
            cursor = page.get(page.size() - 1).position();
        }
    }

    private static List<String> reversed(List<String> list) {
        List<String> copy = new ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static List<String> payloads(List<RecordedEvent> events) {
        return events.stream().map(RecordedEvent::payloadAsString).toList();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Nested
    class Forking_in_the_middle_of_a_stream {

        @Test
        void main_and_branch_diverge_with_consistent_versions_and_logs() {
            // given
            append(main, "s", "{\"n\":1}");
            AppendResult second = append(main, "s", "{\"n\":2}");
            append(main, "other", "{\"o\":1}");
            append(main, "s", "{\"n\":3}");
            BranchStore branch = branches.create("what-if", ForkPoint.at(second.lastPosition()));
            // when
            AppendResult onBranch = branch.append("s", ExpectedVersion.exactly(2),
                List.of(event("Noted", "{\"b\":3}"), event("Noted", "{\"b\":4}")));
            AppendResult onMain = main.append("s", ExpectedVersion.exactly(3), List.of(event("Noted", "{\"n\":4}")));
            // then
            assertThat(onBranch.previousVersion()).isEqualTo(2);
            assertThat(onBranch.currentVersion()).isEqualTo(4);
            assertThat(onMain.currentVersion()).isEqualTo(4);
            assertThat(payloads(branch.readStream("s"))).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"b\":3}",
                "{\"b\":4}");
            assertThat(payloads(main.readStream("s"))).containsExactly("{\"n\":1}", "{\"n\":2}", "{\"n\":3}",
                "{\"n\":4}");
            assertThat(branch.readStream("s").map(RecordedEvent::version)).containsExactly(1L, 2L, 3L, 4L);
            assertThat(branch.streamVersion("s")).isEqualTo(4);
            assertThat(branch.streamVersion("other")).isZero();
            assertThat(main.streamVersion("other")).isEqualTo(1);
            assertThat(payloads(branch.readStream("s", ReadDirection.BACKWARDS, Long.MAX_VALUE, 3)))
                .containsExactly("{\"b\":4}", "{\"b\":3}", "{\"n\":2}");
            assertThat(payloads(branch.readStream("s", ReadDirection.FORWARDS, 2, 2)))
                .containsExactly("{\"n\":2}", "{\"b\":3}");
            assertThat(payloads(branch.readAll(LogPosition.START))).containsExactly("{\"n\":1}", "{\"n\":2}",
                "{\"b\":3}", "{\"b\":4}");
            assertThat(payloads(main.readAll(LogPosition.START))).containsExactly("{\"n\":1}", "{\"n\":2}",
                "{\"o\":1}", "{\"n\":3}", "{\"n\":4}");
            assertThat(branch.verify("s").valid()).isTrue();
            assertThat(branch.verify("s").eventsChecked()).isEqualTo(4);
            assertThat(main.verify("s").valid()).isTrue();
        }

        @Test
        void the_branch_log_pages_across_the_fork_without_gaps_or_repeats() {
            // given
            for (int i = 1; i <= 5; i++) {
                append(main, "s" + (i % 2), "{\"m\":" + i + "}");
            }
            BranchStore branch = branches.create("paged");
            for (int i = 1; i <= 4; i++) {
                append(branch, "s" + (i % 3), "{\"b\":" + i + "}");
            }
            append(main, "s1", "{\"m\":6}");
            // when
            List<RecordedEvent> byOnes = readAllByPages(branch, 1);
            List<RecordedEvent> byThrees = readAllByPages(branch, 3);
            // then
            List<String> expected = List.of("{\"m\":1}", "{\"m\":2}", "{\"m\":3}", "{\"m\":4}", "{\"m\":5}",
                "{\"b\":1}", "{\"b\":2}", "{\"b\":3}", "{\"b\":4}");
            assertThat(payloads(byOnes)).containsExactlyElementsOf(expected);
            assertThat(payloads(byThrees)).containsExactlyElementsOf(expected);
            assertThat(byOnes).extracting(RecordedEvent::position).isSorted().doesNotHaveDuplicates();
            assertThat(byOnes).extracting(RecordedEvent::globalPosition).doesNotHaveDuplicates();
            assertThat(branch.headPosition()).isEqualTo(byOnes.get(byOnes.size() - 1).position());
            assertThat(branch.readAll(branch.headPosition(), 10)).isEmpty();
        }

        @Test
        void a_stream_the_parent_kept_writing_after_the_fork_reads_only_up_to_the_fork() {
            // given a stream of 7 events on main, with another stream's events between them
            List<LogPosition> positions = new ArrayList<>();
            positions.add(LogPosition.START);
            for (int n = 1; n <= 7; n++) {
                positions.add(append(main, "s", "{\"n\":" + n + "}").lastPosition());
                append(main, "other", "{\"o\":" + n + "}");
            }
            for (int forkVersion = 0; forkVersion <= 7; forkVersion++) {
                // when a branch forks after version forkVersion of the stream (main wrote the rest later)
                BranchStore branch = branches.create("at-" + forkVersion, ForkPoint.at(positions.get(forkVersion)));
                List<String> inherited = new ArrayList<>();
                for (int n = 1; n <= forkVersion; n++) {
                    inherited.add("{\"n\":" + n + "}");
                }
                // then before any own event it sees versions 1..forkVersion, forwards and backwards
                assertThat(branch.streamVersion("s")).as("fork at %d", forkVersion).isEqualTo(forkVersion);
                assertThat(payloads(branch.readStream("s"))).containsExactlyElementsOf(inherited);
                assertThat(payloads(branch.readStream("s", ReadDirection.BACKWARDS, Long.MAX_VALUE, 100)))
                    .containsExactlyElementsOf(reversed(inherited));
                assertThat(payloads(branch.readStream("s", ReadDirection.FORWARDS, forkVersion + 1, 100))).isEmpty();
                // and its own events continue the stream, read in both directions across the fork
                branch.append("s", ExpectedVersion.exactly(forkVersion), List.of(event("Noted", "{\"b\":1}"),
                    event("Noted", "{\"b\":2}")));
                List<String> all = new ArrayList<>(inherited);
                all.add("{\"b\":1}");
                all.add("{\"b\":2}");
                assertThat(branch.streamVersion("s")).isEqualTo(forkVersion + 2);
                assertThat(payloads(branch.readStream("s"))).containsExactlyElementsOf(all);
                assertThat(payloads(branch.readStream("s", ReadDirection.BACKWARDS, Long.MAX_VALUE, 100)))
                    .containsExactlyElementsOf(reversed(all));
                int aroundFork = Math.max(0, forkVersion - 1);
                assertThat(payloads(branch.readStream("s", ReadDirection.BACKWARDS, forkVersion + 1, 2)))
                    .containsExactlyElementsOf(reversed(all.subList(aroundFork, forkVersion + 1)));
                assertThat(payloads(branch.readStream("s", ReadDirection.FORWARDS, forkVersion, 2)))
                    .containsExactlyElementsOf(all.subList(aroundFork, aroundFork + 2));
                assertThat(branch.verify("s").valid()).isTrue();
            }
            assertThat(main.streamVersion("s")).isEqualTo(7);
        }

        @Test
        void the_main_store_never_sees_branch_events() {
            // given
            append(main, "s", "{\"n\":1}");
            List<RecordedEvent> mainLog = readAllByPages(main, 100);
            LogPosition mainHead = main.headPosition();
            IntegrityReport mainReport = main.verifyAll();
            BranchStore branch = branches.create("b");
            // when
            append(branch, "s", "{\"b\":2}");
            append(branch, "new-stream", "{\"b\":1}");
            // then
            assertThat(readAllByPages(main, 100)).isEqualTo(mainLog);
            assertThat(main.headPosition()).isEqualTo(mainHead);
            assertThat(main.streamVersion("s")).isEqualTo(1);
            assertThat(main.streamVersion("new-stream")).isZero();
            assertThat(main.verifyAll()).isEqualTo(mainReport);
            assertThat(payloads(main.readAllBetween(Instant.EPOCH, FAR_FUTURE))).containsExactly("{\"n\":1}");
            assertThat(payloads(branch.readAllBetween(Instant.EPOCH, FAR_FUTURE)))
                .containsExactly("{\"n\":1}", "{\"b\":2}", "{\"b\":1}");
        }
    }

    @Nested
    class Fork_points {

        @Test
        void a_fork_at_an_instant_sees_the_events_recorded_until_then() {
            // given
            append(main, "s", "{\"n\":1}");                          // T0 + 1 s
            Instant between = append(main, "s", "{\"n\":2}").events().get(0).recordedAt().plusMillis(500);
            append(main, "s", "{\"n\":3}");                          // T0 + 3 s
            // when
            BranchStore branch = branches.create("then", ForkPoint.asOf(between));
            // then
            assertThat(payloads(branch.readStream("s"))).containsExactly("{\"n\":1}", "{\"n\":2}");
            assertThat(branch.streamVersion("s")).isEqualTo(2);
            assertThat(branch.append("s", ExpectedVersion.exactly(2), List.of(event("Noted", "{}")))
                .currentVersion()).isEqualTo(3);
        }

        @Test
        void a_fork_at_the_head_sees_everything_until_then_and_nothing_after() {
            // given
            append(main, "s", "{\"n\":1}");
            BranchStore branch = branches.create("now");
            // when
            append(main, "s", "{\"n\":2}");
            // then
            assertThat(payloads(branch.readStream("s"))).containsExactly("{\"n\":1}");
            assertThat(branch.headPosition()).isEqualTo(branch.forkPosition());
        }

        @Test
        void a_fork_of_an_empty_store_starts_an_empty_timeline() {
            // when
            BranchStore branch = branches.create("empty");
            AppendResult result = branch.append("s", ExpectedVersion.noStream(), List.of(event("Noted", "{}")));
            // then
            assertThat(branch.forkPosition()).isEqualTo(LogPosition.START);
            assertThat(result.currentVersion()).isEqualTo(1);
            assertThat(branch.readAll(LogPosition.START, 10)).extracting(RecordedEvent::eventId)
                .containsExactly(result.events().get(0).eventId());
            assertThat(main.readAll(LogPosition.START, 10)).isEmpty();
        }

        @Test
        void a_fork_after_the_head_is_refused() {
            // given
            AppendResult result = append(main, "s", "{}");
            LogPosition beyond = new LogPosition(result.lastPosition().commit() + 10,
                result.lastPosition().position() + 10);
            // when
            Throwable thrown = catchThrowable(() -> branches.create("future", ForkPoint.at(beyond)));
            // then
            assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("head");
            assertThat(branches.list()).isEmpty();
        }
    }

    @Nested
    class Branches_of_branches {

        @Test
        void a_branch_of_a_branch_sees_its_parent_up_to_its_fork() {
            // given
            append(main, "s", "{\"m\":1}");
            BranchStore first = branches.create("first");
            AppendResult firstOwn = append(first, "s", "{\"f\":2}");
            append(first, "s", "{\"f\":3}");
            // when
            BranchStore second = branches.create("second", "first", ForkPoint.at(firstOwn.lastPosition()));
            AppendResult secondOwn = second.append("s", ExpectedVersion.exactly(2),
                List.of(event("Noted", "{\"s\":3}")));
            append(main, "s", "{\"m\":2}");
            // then
            assertThat(secondOwn.currentVersion()).isEqualTo(3);
            assertThat(payloads(second.readStream("s"))).containsExactly("{\"m\":1}", "{\"f\":2}", "{\"s\":3}");
            assertThat(payloads(first.readStream("s"))).containsExactly("{\"m\":1}", "{\"f\":2}", "{\"f\":3}");
            assertThat(payloads(main.readStream("s"))).containsExactly("{\"m\":1}", "{\"m\":2}");
            assertThat(payloads(readAllByPages(second, 1))).containsExactly("{\"m\":1}", "{\"f\":2}", "{\"s\":3}");
            assertThat(second.verify("s").valid()).isTrue();
            assertThat(second.verifyAll().valid()).isTrue();
            assertThat(branches.open("second").parentName()).isEqualTo("first");
            assertThat(branches.describe("second").parent()).isEqualTo("first");
        }
    }

    @Nested
    class Concurrency_and_idempotency {

        @Test
        void expected_versions_are_checked_per_branch() {
            // given
            append(main, "s", "{}");
            append(main, "s", "{}");
            BranchStore left = branches.create("left");
            BranchStore right = branches.create("right");
            left.append("s", ExpectedVersion.exactly(2), List.of(event("Noted", "{}")));
            // when
            Throwable stale = catchThrowable(() ->
                left.append("s", ExpectedVersion.exactly(2), List.of(event("Noted", "{}"))));
            AppendResult onRight = right.append("s", ExpectedVersion.exactly(2), List.of(event("Noted", "{}")));
            AppendResult onMain = main.append("s", ExpectedVersion.exactly(2), List.of(event("Noted", "{}")));
            // then
            assertThat(stale).isInstanceOfSatisfying(ConcurrencyConflictException.class,
                e -> assertThat(e.actualVersion()).isEqualTo(3));
            assertThat(onRight.currentVersion()).isEqualTo(3);
            assertThat(onMain.currentVersion()).isEqualTo(3);
            assertThatThrownBy(() -> left.append("fresh", ExpectedVersion.streamExists(),
                List.of(event("Noted", "{}")))).isInstanceOf(ConcurrencyConflictException.class);
            assertThatThrownBy(() -> left.append("s", ExpectedVersion.noStream(),
                List.of(event("Noted", "{}")))).isInstanceOf(ConcurrencyConflictException.class);
        }

        @Test
        void concurrent_writers_on_one_branch_lose_no_append() throws Exception {
            // given
            append(main, "s", "{}");
            BranchStore branch = branches.create("busy");
            int writers = 4;
            int appendsEach = 10;
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < appendsEach; i++) {
                            branch.append(i % 2 == 0 ? "s" : "t" + writer, ExpectedVersion.any(),
                                List.of(event("Noted", "{\"w\":" + writer + "}")));
                        }
                        return null;
                    }));
                }
                // when
                start.countDown();
                for (Future<?> future : futures) {
                    future.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            // then
            assertThat(branch.streamVersion("s")).isEqualTo(1 + writers * appendsEach / 2);
            assertThat(branch.readStream("s").map(RecordedEvent::version))
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 1 + writers * appendsEach / 2)
                    .boxed().toList());
            assertThat(readAllByPages(branch, 7)).hasSize(1 + writers * appendsEach).extracting(RecordedEvent::position)
                .isSorted().doesNotHaveDuplicates();
            assertThat(branch.verifyAll().valid()).isTrue();
            assertThat(main.streamVersion("s")).isEqualTo(1);
        }

        @Test
        void a_retried_append_on_a_branch_returns_the_first_result_and_main_may_hold_the_same_ids() {
            // given
            BranchStore branch = branches.create("retry");
            List<EventData> batch = List.of(event("Noted", "{\"a\":1}"), event("Noted", "{\"a\":2}"));
            AppendResult first = branch.append("s", ExpectedVersion.noStream(), batch);
            // when
            AppendResult again = branch.append("s", ExpectedVersion.noStream(), batch);
            AppendResult onMain = main.append("s", ExpectedVersion.noStream(), batch);
            // then
            assertThat(again).isEqualTo(first);
            assertThat(branch.streamVersion("s")).isEqualTo(2);
            assertThat(onMain.currentVersion()).isEqualTo(2);
            assertThatThrownBy(() -> branch.append("t", ExpectedVersion.any(), batch))
                .isInstanceOf(dev.eventline.core.IdempotencyConflictException.class);
        }
    }

    @Nested
    class Integrity {

        @Test
        void the_chain_continues_from_the_parent_checksum_at_the_fork() {
            // given
            AppendResult onMain = append(main, "s", "{\"n\":1}");
            BranchStore branch = branches.create("chained");
            // when
            AppendResult own = append(branch, "s", "{\"b\":2}");
            // then
            assertThat(branch.verify("s", 2, own.lastChecksum()).valid()).isTrue();
            assertThat(dev.eventline.core.integrity.HashChain.sha256().link(onMain.lastChecksum(),
                own.events().get(0))).isEqualTo(own.lastChecksum());
        }

        @Test
        void tampering_with_a_branch_event_is_detected_and_main_stays_intact() {
            // given
            append(main, "s", "{\"n\":1}");
            BranchStore branch = branches.create("tampered");
            append(branch, "s", "{\"amount\":10}");
            append(branch, "s", "{\"amount\":20}");
            // when
            tamper(branch, "s", 2, "{\"amount\":99}");
            // then
            IntegrityReport report = branch.verify("s");
            assertThat(report.valid()).isFalse();
            assertThat(report.violation().version()).isEqualTo(2);
            assertThat(report.violation().reason()).isEqualTo(IntegrityReport.Reason.CONTENT_CHANGED);
            assertThat(branch.verifyAll().valid()).isFalse();
            assertThat(main.verify("s").valid()).isTrue();
            assertThat(main.verifyAll().valid()).isTrue();
        }
    }

    @Nested
    class Registry {

        @Test
        void branches_are_listed_and_described() {
            // given
            AppendResult onMain = append(main, "s", "{}");
            BranchStore first = branches.create("b-first");
            append(first, "s", "{}");
            append(first, "t", "{}");
            Instant created = clock.advance(Duration.ofSeconds(1));
            branches.create("a-second", "b-first", ForkPoint.head());
            // when
            List<BranchInfo> listed = branches.list();
            BranchInfo described = branches.describe("b-first");
            // then
            assertThat(listed).extracting(BranchInfo::name).containsExactly("a-second", "b-first");
            assertThat(described.parent()).isEqualTo(Branches.MAIN);
            assertThat(described.forkPosition()).isEqualTo(onMain.lastPosition());
            assertThat(described.ownEventCount()).isEqualTo(2);
            assertThat(described.createdAt()).isEqualTo(T0.plusSeconds(1));
            assertThat(listed.get(0)).isEqualTo(new BranchInfo("a-second", "b-first", first.headPosition(), 0,
                created));
            assertThat(branches.timeline("main")).isSameAs(main);
            assertThat(branches.timeline("b-first")).isInstanceOf(BranchStore.class);
        }

        @Test
        void names_are_unique_and_validated() {
            // given
            branches.create("taken");
            // then
            assertThatThrownBy(() -> branches.create("taken")).isInstanceOf(BranchAlreadyExistsException.class);
            assertThatThrownBy(() -> branches.create("main")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> branches.create("bad name")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> branches.create("x", "missing", ForkPoint.head()))
                .isInstanceOf(BranchNotFoundException.class);
            assertThatThrownBy(() -> branches.open("missing")).isInstanceOf(BranchNotFoundException.class);
        }

        @Test
        void deleting_a_branch_leaves_main_untouched() {
            // given
            append(main, "s", "{\"n\":1}");
            List<RecordedEvent> mainLog = readAllByPages(main, 100);
            BranchStore branch = branches.create("doomed");
            append(branch, "s", "{\"b\":2}");
            // when
            branches.delete("doomed");
            // then
            assertThat(readAllByPages(main, 100)).isEqualTo(mainLog);
            assertThat(main.verifyAll().valid()).isTrue();
            assertThat(branches.list()).isEmpty();
            assertThat(branches.find("doomed")).isEmpty();
            assertThatThrownBy(() -> branch.append("s", ExpectedVersion.any(), List.of(event("Noted", "{}"))))
                .isInstanceOf(BranchNotFoundException.class);
            BranchStore reborn = branches.create("doomed");
            assertThat(payloads(reborn.readStream("s"))).containsExactly("{\"n\":1}");
            assertThat(reborn.info().ownEventCount()).isZero();
        }

        @Test
        void a_branch_with_branches_cannot_be_deleted() {
            // given
            branches.create("parent");
            branches.create("child", "parent", ForkPoint.head());
            // then
            assertThatThrownBy(() -> branches.delete("parent")).isInstanceOf(BranchInUseException.class);
            branches.delete("child");
            branches.delete("parent");
            assertThat(branches.list()).isEmpty();
            assertThatThrownBy(() -> branches.delete("parent")).isInstanceOf(BranchNotFoundException.class);
        }
    }

    @Nested
    class What_if_and_time_travel {

        private AggregateRepository<TestBank.AccountCommand, TestBank.AccountEvent, TestBank.Account> accounts(
            EventStore store) {
            return AggregateRepository.builder(store, TestBank.ACCOUNT, TestBank.SERIALIZER).build();
        }

        @Test
        void aggregates_run_on_a_branch_unchanged() {
            // given
            accounts(main).handle("42", new TestBank.Open("Ada"));
            accounts(main).handle("42", new TestBank.Deposit(new BigDecimal("100")));
            BranchStore branch = branches.create("withdraw-30");
            // when
            accounts(branch).handle("42", new TestBank.Withdraw(new BigDecimal("30")));
            accounts(main).handle("42", new TestBank.Deposit(new BigDecimal("5")));
            // then
            assertThat(accounts(branch).load("42").state().balance()).isEqualByComparingTo("70");
            assertThat(accounts(branch).load("42").version()).isEqualTo(3);
            assertThat(accounts(main).load("42").state().balance()).isEqualByComparingTo("105");
            assertThat(accounts(main).load("42").version()).isEqualTo(3);
        }

        @Test
        void state_as_of_an_instant_between_two_events_is_the_state_after_the_earlier() {
            // given
            var repository = accounts(main);
            clock.advance(Duration.ofSeconds(1));
            repository.handle("42", new TestBank.Open("Ada"));
            clock.advance(Duration.ofSeconds(1));
            AppendResult deposit = repository.handle("42", new TestBank.Deposit(new BigDecimal("100")));
            Instant between = clock.advance(Duration.ofMillis(500));
            clock.advance(Duration.ofMillis(500));
            repository.handle("42", new TestBank.Withdraw(new BigDecimal("40")));
            // when
            TestBank.Account asOf = repository.loadAsOf("42", between).state();
            TestBank.Account afterDeposit = repository.loadAtVersion("42", deposit.currentVersion()).state();
            EventStore view = TimeTravel.viewAsOf(main, between);
            Map<String, Long> countsAsOf = TimeTravel.foldLogAsOf(main, between, new HashMap<>(),
                (counts, event) -> {
                    counts.merge(event.type(), 1L, Long::sum);
                    return counts;
                });
            // then
            assertThat(asOf).isEqualTo(afterDeposit);
            assertThat(asOf.balance()).isEqualByComparingTo("100");
            assertThat(accounts(view).load("42").state()).isEqualTo(afterDeposit);
            assertThat(view.headPosition()).isEqualTo(deposit.lastPosition());
            assertThat(readAllByPages(view, 1)).hasSize(2);
            assertThat(countsAsOf).isEqualTo(Map.of("AccountOpened", 1L, "MoneyDeposited", 1L));
            assertThatThrownBy(() -> view.append("x", ExpectedVersion.any(), List.of(event("Noted", "{}"))))
                .isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void read_models_on_main_and_a_branch_can_be_compared() {
            // given
            append(main, "a", "{}");
            append(main, "b", "{}");
            BranchStore branch = branches.create("diff");
            append(branch, "b", "{}");
            append(branch, "c", "{}");
            append(main, "a", "{}");
            // when
            ReadModelDiff<String, Long> diff = ReadModelDiff.of(streamSizes(main), streamSizes(branch));
            // then
            assertThat(diff.changed()).containsOnlyKeys("a", "b");
            assertThat(diff.changed().get("a")).isEqualTo(new ReadModelDiff.Change<>(2L, 1L));
            assertThat(diff.changed().get("b")).isEqualTo(new ReadModelDiff.Change<>(1L, 2L));
            assertThat(diff.onlyInSecond()).isEqualTo(Map.of("c", 1L));
            assertThat(diff.onlyInFirst()).isEmpty();
        }

        private Map<String, Long> streamSizes(EventStore store) {
            return TimeTravel.foldLogAsOf(store, FAR_FUTURE, new HashMap<>(), (sizes, event) -> {
                sizes.merge(event.streamId(), 1L, Long::sum);
                return sizes;
            });
        }
    }
}
