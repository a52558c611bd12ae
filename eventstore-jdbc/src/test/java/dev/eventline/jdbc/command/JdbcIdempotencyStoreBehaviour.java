package dev.eventline.jdbc.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.command.CommandBus;
import dev.eventline.core.command.CommandHandlers;
import dev.eventline.core.command.CommandInFlightException;
import dev.eventline.core.command.CommandMetadata;
import dev.eventline.core.command.CommandResult;
import dev.eventline.core.command.IdempotencyKey;
import dev.eventline.core.command.IdempotencyMiddleware;
import dev.eventline.core.command.IdempotencyStore;
import dev.eventline.core.command.IdempotencyStore.Claim;
import dev.eventline.jdbc.JdbcEventStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every database must do for {@link JdbcIdempotencyStore}; subclasses give a fresh, empty database. */
abstract class JdbcIdempotencyStoreBehaviour {

    record Deposit(String accountId, long cents) {
    }

    /** A clock the test moves by hand. */
    static final class Clock implements InstantSource {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    protected abstract DataSource freshDatabase();

    private DataSource dataSource;
    private JdbcEventStore events;
    private final Clock clock = new Clock();
    private final IdempotencyKey key = new IdempotencyKey("tenant-1", "cmd-1");

    @BeforeEach
    void createTables() {
        dataSource = freshDatabase();
        events = JdbcEventStore.builder(dataSource).build();
        events.createSchema();
    }

    private JdbcIdempotencyStore store() {
        var store = JdbcIdempotencyStore.builder(dataSource).clock(clock).claimTimeout(Duration.ofSeconds(60)).build();
        store.createSchema();
        return store;
    }

    private CommandResult appendSomething() {
        var metadata = new EventMetadata("corr", "cmd-1", "ada", "tenant-1", Map.of("ip", "10.0.0.1"));
        var event = new EventData(UUID.randomUUID(), "MoneyDeposited", 2,
            "{\"amount\":\"12.50\",\"note\":\"café\"}".getBytes(StandardCharsets.UTF_8), metadata);
        return CommandResult.from(events.append("account-1", ExpectedVersion.any(), List.of(event)));
    }

    @Test
    void create_schema_is_idempotent_and_the_ddl_can_be_printed() {
        var store = JdbcIdempotencyStore.builder(dataSource).build();
        assertThat(store.createSchema()).containsExactly(1);
        assertThat(store.createSchema()).isEmpty();
        assertThat(store.schemaSql()).contains("el_command_dedup").contains("PRIMARY KEY (tenant, command_id)");
    }

    @Test
    void an_invalid_prefix_is_refused_at_build() {
        assertThatThrownBy(() -> JdbcIdempotencyStore.builder(dataSource).tablePrefix("x; drop").build())
            .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void a_claimed_id_is_in_progress_for_others_and_completed_ids_return_the_exact_first_result() {
        // given
        var store = store();
        var result = appendSomething();
        // when / then
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.Acquired());
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.InProgress("fp"));
        store.complete(key, "fp", result);
        var again = store.claim(key, "fp");
        assertThat(again).isEqualTo(new Claim.Completed("fp", result));
        assertThat(store().claim(key, "other")).isEqualTo(new Claim.Completed("fp", result));
    }

    @Test
    void tenants_do_not_share_ids() {
        var store = store();
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.Acquired());
        assertThat(store.claim(new IdempotencyKey("tenant-2", "cmd-1"), "fp")).isEqualTo(new Claim.Acquired());
        assertThat(store.claim(new IdempotencyKey(null, "cmd-1"), "fp")).isEqualTo(new Claim.Acquired());
    }

    @Test
    void a_released_claim_can_be_claimed_again_but_a_completed_one_is_not_released() {
        var store = store();
        store.claim(key, "fp");
        store.release(key);
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.Acquired());
        var result = appendSomething();
        store.complete(key, "fp", result);
        store.release(key);
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.Completed("fp", result));
    }

    @Test
    void a_claim_older_than_the_timeout_is_taken_over_only_by_the_same_command() {
        var store = store();
        store.claim(key, "fp");
        clock.advance(Duration.ofSeconds(59));
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.InProgress("fp"));
        clock.advance(Duration.ofSeconds(2));
        assertThat(store.claim(key, "other")).isEqualTo(new Claim.InProgress("fp"));
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.Acquired());
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.InProgress("fp"));
    }

    @Test
    void completed_rows_older_than_an_instant_can_be_deleted() {
        var store = store();
        store.claim(key, "fp");
        store.complete(key, "fp", appendSomething());
        var running = new IdempotencyKey("tenant-1", "cmd-2");
        store.claim(running, "fp");
        clock.advance(Duration.ofSeconds(30));
        assertThat(store.deleteCompletedBefore(clock.instant())).isEqualTo(1);
        assertThat(store.claim(key, "fp")).isEqualTo(new Claim.Acquired());
        assertThat(store.claim(running, "fp")).isEqualTo(new Claim.InProgress("fp"));
    }

    @Test
    void two_processes_racing_one_command_id_append_once_and_a_restarted_one_gets_the_first_result() throws Exception {
        // given: two buses, as two JVMs would have, sharing the event store and the dedup table
        var runs = new AtomicInteger();
        var shared = JdbcIdempotencyStore.builder(dataSource).build();
        shared.createSchema();
        var processes = new ArrayList<CommandBus>();
        for (int i = 0; i < 2; i++) {
            processes.add(bus(IdempotencyMiddleware.of(JdbcIdempotencyStore.builder(dataSource).build()), runs));
        }
        var metadata = CommandMetadata.empty().withCommandId("transfer-7").withTenant("t1");
        var barrier = new CyclicBarrier(4);
        var threads = Executors.newFixedThreadPool(4);
        var outcomes = new ArrayList<Future<CommandResult>>();
        try {
            // when
            for (int i = 0; i < 4; i++) {
                var bus = processes.get(i % 2);
                outcomes.add(threads.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    return bus.send(new Deposit("a-1", 1250), metadata);
                }));
            }
            var results = new ArrayList<CommandResult>();
            for (var outcome : outcomes) {
                try {
                    results.add(outcome.get(30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(CommandInFlightException.class);
                }
            }
            // then
            assertThat(runs).hasValue(1);
            assertThat(events.streamVersion("account-a-1")).isEqualTo(1);
            assertThat(results).isNotEmpty().containsOnly(results.get(0));
            var restarted = bus(IdempotencyMiddleware.of(JdbcIdempotencyStore.builder(dataSource).build()), runs);
            assertThat(restarted.send(new Deposit("a-1", 1250), metadata)).isEqualTo(results.get(0));
            assertThat(runs).hasValue(1);
        } finally {
            threads.shutdownNow();
        }
    }

    /** A process that dies right after the append committed: {@code complete} never reaches the table. */
    private static final class DiesBeforeComplete implements IdempotencyStore {
        private final IdempotencyStore delegate;

        DiesBeforeComplete(IdempotencyStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Claim claim(IdempotencyKey key, String fingerprint) {
            return delegate.claim(key, fingerprint);
        }

        @Override
        public void complete(IdempotencyKey key, String fingerprint, CommandResult result) {
            throw new IllegalStateException("the process died before recording the result");
        }

        @Override
        public void release(IdempotencyKey key) {
            delegate.release(key);
        }
    }

    @Test
    void a_crash_between_the_append_and_complete_leaves_the_command_done_when_the_append_hook_is_registered() {
        for (boolean hook : new boolean[] {true, false}) {
            // given: a store whose appends complete claimed commands (and, as the control, one without the hook)
            var dedup = store();
            var store = hook ? JdbcEventStore.builder(dataSource).appendHook(dedup.appendHook()).build() : events;
            var runs = new AtomicInteger();
            var metadata = CommandMetadata.empty().withCommandId("crash-" + hook).withTenant("t1");
            var account = "crash-" + hook;
            var crashed = bus(IdempotencyMiddleware.of(new DiesBeforeComplete(dedup)), runs, store);
            assertThatThrownBy(() -> crashed.send(new Deposit(account, 700), metadata))
                .isInstanceOf(IllegalStateException.class);
            // when: the claim expires and the client retries on a restarted process
            clock.advance(Duration.ofMinutes(2));
            var restarted = bus(IdempotencyMiddleware.of(store()), runs, store);
            var retried = restarted.send(new Deposit(account, 700), metadata);
            // then
            if (hook) {
                assertThat(runs).hasValue(1);
                assertThat(store.streamVersion("account-" + account)).isEqualTo(1);
                try (var stored = store.readStream("account-" + account)) {
                    assertThat(retried).isEqualTo(new CommandResult("account-" + account, 1, stored.toList()));
                }
            } else {
                // the control: without the hook the command runs again and its effect is doubled
                assertThat(runs).hasValue(2);
                assertThat(store.streamVersion("account-" + account)).isEqualTo(2);
            }
        }
    }

    @Test
    void a_command_whose_handler_fails_after_its_append_committed_stays_done() {
        // given
        var dedup = store();
        var store = JdbcEventStore.builder(dataSource).appendHook(dedup.appendHook()).build();
        var runs = new AtomicInteger();
        var metadata = CommandMetadata.empty().withCommandId("fails-late");
        var failing = CommandBus.builder()
            .handle(Deposit.class, CommandHandlers.forStream(deposit -> "account-" + deposit.accountId(),
                (streamId, command, context) -> {
                    runs.incrementAndGet();
                    store.append(streamId, ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(),
                        "MoneyDeposited", 1, "{}".getBytes(StandardCharsets.UTF_8), context.eventMetadata())));
                    throw new IllegalStateException("failed after the append");
                }))
            .middleware(IdempotencyMiddleware.of(dedup))
            .build();
        assertThatThrownBy(() -> failing.send(new Deposit("late", 1), metadata))
            .hasMessageContaining("after the append");
        // when
        var again = failing.send(new Deposit("late", 1), metadata);
        // then
        assertThat(runs).hasValue(1);
        assertThat(again.version()).isEqualTo(1);
        assertThat(store.streamVersion("account-late")).isEqualTo(1);
    }

    @Test
    void the_append_hook_leaves_appends_of_unclaimed_commands_alone_and_complete_keeps_the_handlers_result() {
        // given
        var dedup = store();
        var store = JdbcEventStore.builder(dataSource).appendHook(dedup.appendHook()).build();
        var unclaimed = new EventMetadata(null, "not-a-claimed-command", null, "tenant-1", Map.of());
        store.append("other", ExpectedVersion.any(), List.of(new EventData(UUID.randomUUID(), "Noted", 1,
            "{}".getBytes(StandardCharsets.UTF_8), unclaimed)));
        store.append("other", ExpectedVersion.any(), List.of(EventData.of("Noted", "{}")));
        assertThat(dedup.claim(new IdempotencyKey("tenant-1", "not-a-claimed-command"), "fp"))
            .isEqualTo(new Claim.Acquired());
        assertThat(dedup.claim(key, "fp")).isEqualTo(new Claim.Acquired());
        // when: the command's append completes it, then the middleware records the handler's own result
        var appended = CommandResult.from(store.append("account-1", ExpectedVersion.any(), List.of(new EventData(
            UUID.randomUUID(), "MoneyDeposited", 1, "{}".getBytes(StandardCharsets.UTF_8),
            new EventMetadata("corr", "cmd-1", null, "tenant-1", Map.of())))));
        var afterAppend = dedup.claim(key, "fp");
        var handlersResult = new CommandResult("account-1", appended.version(), List.of());
        dedup.complete(key, "fp", handlersResult);
        // then
        assertThat(afterAppend).isEqualTo(new Claim.Completed("fp", appended));
        assertThat(dedup.claim(key, "fp")).isEqualTo(new Claim.Completed("fp", handlersResult));
    }

    private CommandBus bus(IdempotencyMiddleware idempotency, AtomicInteger runs) {
        return bus(idempotency, runs, events);
    }

    private CommandBus bus(IdempotencyMiddleware idempotency, AtomicInteger runs, JdbcEventStore events) {
        return CommandBus.builder()
            .handle(Deposit.class, CommandHandlers.forStream(deposit -> "account-" + deposit.accountId(),
                (streamId, command, context) -> {
                    runs.incrementAndGet();
                    var event = new EventData(UUID.randomUUID(), "MoneyDeposited", 1,
                        ("{\"cents\":" + command.cents() + "}").getBytes(StandardCharsets.UTF_8),
                        context.eventMetadata());
                    return events.append(streamId, ExpectedVersion.any(), List.of(event));
                }))
            .middleware(idempotency)
            .build();
    }
}
