package dev.eventline.core.aggregate;

import static dev.eventline.core.aggregate.TestBank.ACCOUNT;
import static dev.eventline.core.aggregate.TestBank.SERIALIZER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.aggregate.RepositoryTestDoubles.FailingSnapshotStore;
import dev.eventline.core.aggregate.RepositoryTestDoubles.MutableClock;
import dev.eventline.core.aggregate.RepositoryTestDoubles.NoCreator;
import dev.eventline.core.aggregate.RepositoryTestDoubles.RacingStore;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.aggregate.TestBank.Account;
import dev.eventline.core.aggregate.TestBank.AccountCommand;
import dev.eventline.core.aggregate.TestBank.AccountEvent;
import dev.eventline.core.aggregate.TestBank.AccountOpened;
import dev.eventline.core.aggregate.TestBank.Deposit;
import dev.eventline.core.aggregate.TestBank.InsufficientFunds;
import dev.eventline.core.aggregate.TestBank.MoneyDeposited;
import dev.eventline.core.aggregate.TestBank.Noop;
import dev.eventline.core.aggregate.TestBank.Open;
import dev.eventline.core.aggregate.TestBank.Withdraw;
import dev.eventline.core.snapshot.InMemorySnapshotStore;
import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.core.snapshot.SnapshotStore;
import dev.eventline.core.snapshot.SnapshotStrategy;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AggregateRepositoryTest {

    static final BigDecimal TEN = new BigDecimal("10.00");

    final EventStore store = EventStore.inMemory();

    static AggregateRepository.Builder<AccountCommand, AccountEvent, Account> repository(EventStore store) {
        return AggregateRepository.builder(store, ACCOUNT, SERIALIZER).retryBackoff(Duration.ZERO, Duration.ZERO);
    }

    static void deposits(AggregateRepository<AccountCommand, AccountEvent, Account> accounts, String id, int n) {
        for (int i = 0; i < n; i++) {
            accounts.handle(id, new Deposit(BigDecimal.ONE));
        }
    }

    @Nested
    class Handling {

        final AggregateRepository<AccountCommand, AccountEvent, Account> accounts = repository(store).build();

        @Test
        void appends_the_decided_events_to_the_aggregates_stream() {
            // when
            AppendResult opened = accounts.handle("42", new Open("Ada"));
            AppendResult deposited = accounts.handle("42", new Deposit(TEN));
            // then
            assertThat(opened.streamId()).isEqualTo("account-42");
            assertThat(opened.currentVersion()).isEqualTo(1);
            assertThat(deposited.previousVersion()).isEqualTo(1);
            assertThat(deposited.currentVersion()).isEqualTo(2);
            try (var events = store.readStream("account-42")) {
                assertThat(events.map(SERIALIZER::deserialize).toList())
                    .containsExactly(new AccountOpened("Ada"), new MoneyDeposited(TEN));
            }
        }

        @Test
        void load_returns_the_folded_state_and_its_version() {
            // given
            accounts.handle("42", new Open("Ada"));
            accounts.handle("42", new Deposit(TEN));
            // when
            Loaded<Account> loaded = accounts.load("42");
            // then
            assertThat(loaded.state()).isEqualTo(new Account("Ada", TEN, true, 1));
            assertThat(loaded.version()).isEqualTo(2);
            assertThat(loaded.eventsReplayed()).isEqualTo(2);
            assertThat(loaded.snapshotVersion()).isZero();
            assertThat(loaded.id()).isEqualTo("42");
            assertThat(loaded.streamId()).isEqualTo("account-42");
        }

        @Test
        void a_new_aggregate_loads_as_the_initial_state_at_version_zero() {
            Loaded<Account> loaded = accounts.load("nobody");
            assertThat(loaded.state()).isEqualTo(Account.NONE);
            assertThat(loaded.isNew()).isTrue();
        }

        @Test
        void a_rejected_command_throws_the_business_exception_and_appends_nothing() {
            // given
            accounts.handle("42", new Open("Ada"));
            // when / then
            assertThatThrownBy(() -> accounts.handle("42", new Withdraw(TEN))).isInstanceOf(InsufficientFunds.class);
            assertThat(store.streamVersion("account-42")).isEqualTo(1);
        }

        @Test
        void a_decision_with_no_events_appends_nothing() {
            // given
            accounts.handle("42", new Open("Ada"));
            // when
            AppendResult result = accounts.handle("42", new Noop());
            // then
            assertThat(result.events()).isEmpty();
            assertThat(result.previousVersion()).isEqualTo(1).isEqualTo(result.currentVersion());
            assertThat(store.streamVersion("account-42")).isEqualTo(1);
        }

        @Test
        void stamps_every_event_with_the_given_metadata() {
            // given
            var metadata = EventMetadata.empty().withCorrelationId("corr-1").withCausationId("cmd-1")
                .withPrincipal("ada").withTenant("t1");
            // when
            AppendResult result = accounts.handle("42", new Open("Ada"), metadata);
            // then
            assertThat(result.events()).extracting(RecordedEvent::metadata).containsExactly(metadata);
        }

        @Test
        void a_caller_expectation_that_does_not_hold_is_a_conflict_without_retry() {
            // given
            accounts.handle("42", new Open("Ada"));
            accounts.handle("42", new Deposit(TEN));
            // when / then
            assertThatThrownBy(() -> accounts.handle("42", new Deposit(TEN), ExpectedVersion.exactly(1)))
                .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                    e -> assertThat(e.actualVersion()).isEqualTo(2));
            assertThat(store.streamVersion("account-42")).isEqualTo(2);
        }

        @Test
        void a_caller_expectation_that_holds_appends() {
            accounts.handle("42", new Open("Ada"));
            AppendResult result = accounts.handle("42", new Deposit(TEN), ExpectedVersion.exactly(1));
            assertThat(result.currentVersion()).isEqualTo(2);
            assertThat(accounts.handle("7", new Open("Bob"), ExpectedVersion.noStream()).currentVersion())
                .isEqualTo(1);
        }
    }

    @Nested
    class Conflicts {

        @Test
        void retries_on_conflict_and_decides_again_on_the_fresh_state() {
            // given: another writer deposits just before each of our first two appends
            List<Long> statesDecidedOn = new ArrayList<>();
            var recording = Aggregate.of("account", Account.class, Account.NONE,
                (AccountCommand command, Account state) -> {
                    statesDecidedOn.add(state.transactions());
                    return TestBank.decide(command, state);
                }, TestBank::evolve);
            var racing = new RacingStore(store, 2);
            var accounts = AggregateRepository.builder(racing, recording, SERIALIZER)
                .retryBackoff(Duration.ZERO, Duration.ZERO).build();
            accounts.handle("42", new Open("Ada"));
            statesDecidedOn.clear();
            racing.armed = true;
            // when
            AppendResult result = accounts.handle("42", new Deposit(TEN));
            // then: decided three times, each time on a state that includes the competing deposits so far
            assertThat(statesDecidedOn).containsExactly(0L, 1L, 2L);
            assertThat(result.previousVersion()).isEqualTo(3);
            assertThat(accounts.load("42").state().balance()).isEqualByComparingTo("12.00");
        }

        @Test
        void gives_up_after_max_retries_with_the_conflict() {
            // given
            var racing = new RacingStore(store, Integer.MAX_VALUE);
            var accounts = repository(racing).maxRetries(2).build();
            accounts.handle("42", new Open("Ada"));
            racing.armed = true;
            int before = racing.appendCalls.get();
            // when / then
            assertThatThrownBy(() -> accounts.handle("42", new Deposit(TEN)))
                .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(racing.appendCalls.get() - before).isEqualTo(3 + 3);
        }

        @Test
        void a_caller_expectation_is_never_retried() {
            // given
            var racing = new RacingStore(store, 1);
            var accounts = repository(racing).build();
            accounts.handle("42", new Open("Ada"));
            racing.armed = true;
            // when / then
            assertThatThrownBy(() -> accounts.handle("42", new Deposit(TEN), ExpectedVersion.exactly(1)))
                .isInstanceOf(ConcurrencyConflictException.class);
            assertThat(store.streamVersion("account-42")).isEqualTo(2);
        }

        @Test
        void eight_threads_depositing_into_one_account_lose_nothing() throws Exception {
            // given
            var accounts = repository(store).maxRetries(1_000)
                .retryBackoff(Duration.ofNanos(1_000), Duration.ofMillis(1)).build();
            accounts.handle("42", new Open("Ada"));
            ExecutorService pool = Executors.newFixedThreadPool(8);
            var start = new CountDownLatch(1);
            try {
                // when
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    workers.add(pool.submit(() -> {
                        start.await();
                        deposits(accounts, "42", 25);
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> worker : workers) {
                    worker.get();
                }
            } finally {
                pool.shutdownNow();
            }
            // then
            Loaded<Account> loaded = accounts.load("42");
            assertThat(loaded.version()).isEqualTo(1 + 8 * 25);
            assertThat(loaded.state().balance()).isEqualByComparingTo(new BigDecimal(8 * 25));
        }
    }

    @Nested
    class Snapshots {

        final SnapshotStore snapshots = new InMemorySnapshotStore();
        final AggregateRepository<AccountCommand, AccountEvent, Account> accounts = repository(store)
            .snapshots(snapshots, SnapshotStrategy.everyEvents(10)).build();

        @Test
        void takes_a_snapshot_when_the_strategy_says_so() {
            // when
            accounts.handle("42", new Open("Ada"));
            deposits(accounts, "42", 24);
            // then
            assertThat(snapshots.latest("account-42")).map(Snapshot::version).contains(20L);
            assertThat(snapshots.latestAtOrBefore("account-42", 19)).map(Snapshot::version).contains(10L);
        }

        @Test
        void loading_replays_only_the_events_after_the_snapshot() {
            // given
            accounts.handle("42", new Open("Ada"));
            deposits(accounts, "42", 24);
            // when
            Loaded<Account> loaded = accounts.load("42");
            // then
            assertThat(loaded.snapshotVersion()).isEqualTo(20);
            assertThat(loaded.eventsReplayed()).isEqualTo(5);
            assertThat(loaded.state()).isEqualTo(accounts.load("42", false).state());
            assertThat(accounts.load("42", false).eventsReplayed()).isEqualTo(25);
        }

        @Test
        void a_snapshot_of_another_state_revision_is_ignored_and_the_stream_replayed() {
            // given: snapshots taken by the previous shape of the state
            accounts.handle("42", new Open("Ada"));
            deposits(accounts, "42", 12);
            var revised = repository(store).snapshots(snapshots, SnapshotStrategy.never())
                .build();
            var revision2 = AggregateRepository.builder(store, ACCOUNT.withStateRevision(2), SERIALIZER)
                .snapshots(snapshots, SnapshotStrategy.never()).build();
            // when
            Loaded<Account> loaded = revision2.load("42");
            // then
            assertThat(revised.load("42").snapshotVersion()).isEqualTo(10);
            assertThat(loaded.snapshotVersion()).isZero();
            assertThat(loaded.eventsReplayed()).isEqualTo(13);
            assertThat(loaded.state().balance()).isEqualByComparingTo("12");
        }

        @Test
        void a_corrupt_snapshot_is_ignored_and_the_stream_replayed() {
            // given
            accounts.handle("42", new Open("Ada"));
            deposits(accounts, "42", 12);
            snapshots.save(new Snapshot("account-42", 12, 1, "{not json".getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH));
            // when
            Loaded<Account> loaded = accounts.load("42");
            // then
            assertThat(loaded.snapshotVersion()).isZero();
            assertThat(loaded.version()).isEqualTo(13);
            assertThat(loaded.state().balance()).isEqualByComparingTo("12");
        }

        @Test
        void a_snapshot_beyond_the_end_of_the_stream_is_ignored() {
            // given: a snapshot left over from a stream that no longer has those events
            accounts.handle("42", new Open("Ada"));
            snapshots.save(new Snapshot("account-42", 50, 1,
                SERIALIZER.toJson(new Account("Eve", new BigDecimal("999"), true, 49)), Instant.EPOCH));
            // when
            Loaded<Account> loaded = accounts.load("42");
            // then
            assertThat(loaded.state()).isEqualTo(new Account("Ada", BigDecimal.ZERO, true, 0));
            assertThat(loaded.version()).isEqualTo(1);
        }

        @Test
        void a_failing_snapshot_store_never_fails_the_command() {
            // given
            var failing = repository(store).snapshots(new FailingSnapshotStore(), SnapshotStrategy.everyEvents(1))
                .build();
            // when
            AppendResult result = failing.handle("42", new Open("Ada"));
            // then
            assertThat(result.currentVersion()).isEqualTo(1);
            assertThat(failing.load("42").state().owner()).isEqualTo("Ada");
        }

        @Test
        void a_refusing_snapshot_executor_never_fails_the_command() {
            var refusing = repository(store).snapshots(snapshots, SnapshotStrategy.everyEvents(1))
                .snapshotExecutor(task -> {
                    throw new java.util.concurrent.RejectedExecutionException("full");
                }).build();
            assertThat(refusing.handle("42", new Open("Ada")).currentVersion()).isEqualTo(1);
            assertThat(snapshots.latest("account-42")).isEmpty();
        }

        @Test
        void snapshots_are_stamped_by_the_configured_clock() {
            var clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
            var stamped = repository(store).snapshots(snapshots, SnapshotStrategy.everyEvents(1)).clock(clock)
                .build();
            stamped.handle("42", new Open("Ada"));
            assertThat(snapshots.latest("account-42")).map(Snapshot::takenAt).contains(clock.instant());
        }

        @Test
        void a_state_that_cannot_round_trip_as_json_is_refused_when_snapshots_are_enabled() {
            var opaque = Aggregate.<AccountCommand, AccountEvent, NoCreator>of("opaque", NoCreator.class,
                new NoCreator(1), (c, s) -> List.of(), (s, e) -> s);
            var builder = AggregateRepository.builder(store, opaque, SERIALIZER)
                .snapshots(snapshots, SnapshotStrategy.defaultStrategy());
            assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot be written and read back");
        }
    }

    @Nested
    class TimeTravel {

        final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        final EventStore timedStore = InMemoryEventStore.builder().clock(clock).build();
        final SnapshotStore snapshots = new InMemorySnapshotStore();
        final AggregateRepository<AccountCommand, AccountEvent, Account> accounts = repository(timedStore)
            .snapshots(snapshots, SnapshotStrategy.everyEvents(10)).build();

        /** Opens account 42 and makes one deposit of 1 per minute: version v is recorded at minute v - 1. */
        void history(int deposits) {
            accounts.handle("42", new Open("Ada"));
            for (int i = 0; i < deposits; i++) {
                clock.advance(Duration.ofMinutes(1));
                accounts.handle("42", new Deposit(BigDecimal.ONE));
            }
        }

        @Test
        void loads_the_state_at_a_version_using_only_a_snapshot_at_or_before_it() {
            // given
            history(24);
            // when
            Loaded<Account> at15 = accounts.loadAtVersion("42", 15);
            Loaded<Account> at9 = accounts.loadAtVersion("42", 9);
            Loaded<Account> at20 = accounts.loadAtVersion("42", 20);
            // then
            assertThat(at15.version()).isEqualTo(15);
            assertThat(at15.state().balance()).isEqualByComparingTo("14");
            assertThat(at15.snapshotVersion()).isEqualTo(10);
            assertThat(at15.eventsReplayed()).isEqualTo(5);
            assertThat(at9.snapshotVersion()).isZero();
            assertThat(at9.state().balance()).isEqualByComparingTo("8");
            assertThat(at20.snapshotVersion()).isEqualTo(20);
            assertThat(at20.eventsReplayed()).isZero();
            assertThat(accounts.loadAtVersion("42", 0).state()).isEqualTo(Account.NONE);
        }

        @Test
        void a_version_beyond_the_end_gives_the_current_state() {
            history(3);
            Loaded<Account> loaded = accounts.loadAtVersion("42", 100);
            assertThat(loaded.version()).isEqualTo(4);
            assertThat(loaded.state().balance()).isEqualByComparingTo("3");
        }

        @Test
        void loads_the_state_as_of_an_instant() {
            // given
            Instant start = clock.instant();
            history(24);
            // when
            Loaded<Account> atStart = accounts.loadAsOf("42", start);
            Loaded<Account> between = accounts.loadAsOf("42", start.plus(Duration.ofSeconds(15 * 60 + 30)));
            Loaded<Account> before = accounts.loadAsOf("42", start.minusNanos(1_000));
            // then
            assertThat(atStart.version()).isEqualTo(1);
            assertThat(between.version()).isEqualTo(16);
            assertThat(between.state().balance()).isEqualByComparingTo("15");
            assertThat(between.snapshotVersion()).isEqualTo(10);
            assertThat(between.eventsReplayed()).isEqualTo(6);
            assertThat(before.isNew()).isTrue();
        }

        @Test
        void as_of_an_instant_after_the_last_event_uses_the_latest_snapshot() {
            history(24);
            Loaded<Account> now = accounts.loadAsOf("42", clock.instant());
            assertThat(now.version()).isEqualTo(25);
            assertThat(now.snapshotVersion()).isEqualTo(20);
            assertThat(now.eventsReplayed()).isEqualTo(5);
        }
    }
}
