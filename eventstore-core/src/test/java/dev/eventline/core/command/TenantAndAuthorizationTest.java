package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.EventStore;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.command.TestCommands.AccountCommand;
import dev.eventline.core.command.TestCommands.Deposit;
import dev.eventline.core.command.TestCommands.OpenAccount;
import dev.eventline.core.command.TestCommands.Withdraw;
import dev.eventline.core.query.QueryBus;
import dev.eventline.core.query.QueryOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY X-8, tenancy and authorization at the library level (the bank's HTTP API has no tenants or
 * principals): a missing principal, a forged tenant, tenant A's stream id used under tenant B (in both
 * directions, for writes and reads), a command type with no policy, and a saga's command replayed from outside.
 */
class TenantAndAuthorizationTest {

    private static final Map<String, Set<String>> TENANTS = Map.of("alice", Set.of("A"), "bob", Set.of("B"),
        "carol", Set.of("A", "B"));

    record History(String accountId) {
    }

    private final EventStore store = EventStore.inMemory();
    private final AtomicInteger handlerRuns = new AtomicInteger();

    private CommandHandler<AccountCommand> tenantHandler() {
        CommandHandler<AccountCommand> handler = TenantStreams.forStream(command -> "account-" + command.accountId(),
            (streamId, command, context) -> TestCommands.append(store, streamId, command, context));
        return (command, context) -> {
            handlerRuns.incrementAndGet();
            return handler.handle(command, context);
        };
    }

    private CommandBus tenantBus() {
        return CommandBus.builder().handle(AccountCommand.class, tenantHandler())
            .middleware(TenantIsolationMiddleware.of(TENANTS::get), AuthorizationMiddleware.builder()
                .allow(Deposit.class, AuthorizationPolicy.authenticated())
                .allow(OpenAccount.class, AuthorizationPolicy.authenticated())
                .build())
            .build();
    }

    private QueryBus tenantQueries() {
        return QueryBus.builder()
            .handle(History.class, (History query, dev.eventline.core.query.QueryContext context) ->
                events(TenantStreams.streamId(context.tenant(), "account-" + query.accountId())))
            .middleware(TenantIsolationMiddleware.of(TENANTS::get),
                AuthorizationMiddleware.builder().allow(History.class, AuthorizationPolicy.authenticated()).build())
            .build();
    }

    private List<RecordedEvent> events(String streamId) {
        try (var events = store.readStream(streamId)) {
            return events.toList();
        }
    }

    private static CommandMetadata as(String principal, String tenant) {
        return CommandMetadata.empty().withPrincipal(principal).withTenant(tenant);
    }

    private static final Deposit TEN = new Deposit("a-1", BigDecimal.TEN);

    @Nested
    class Tenancy {

        @Test
        void a_command_or_query_without_a_principal_is_denied_and_nothing_is_written() {
            // when
            Throwable thrown = catchThrowable(() -> tenantBus().send(TEN, CommandMetadata.empty().withTenant("A")));
            // then
            assertThat(thrown).isInstanceOfSatisfying(UnauthorizedException.class,
                e -> assertThat(e.principal()).isNull()).hasMessageContaining("names no principal");
            assertThat(handlerRuns).hasValue(0);
            assertThat(store.headPosition()).isEqualTo(dev.eventline.core.LogPosition.START);
            assertThatThrownBy(() -> tenantQueries().ask(new History("a-1"), QueryOptions.defaults().withTenant("A")))
                .isInstanceOf(UnauthorizedException.class).hasMessageContaining("names no principal");
        }

        @Test
        void a_command_without_a_tenant_is_denied() {
            assertThatThrownBy(() -> tenantBus().send(TEN, CommandMetadata.empty().withPrincipal("alice")))
                .isInstanceOf(UnauthorizedException.class).hasMessageContaining("names no tenant");
            assertThat(handlerRuns).hasValue(0);
        }

        @Test
        void a_forged_tenant_is_denied_in_both_directions_and_nothing_is_written() {
            // given
            var bus = tenantBus();
            bus.send(TEN, as("alice", "A"));
            bus.send(TEN, as("bob", "B"));
            // when: each sends a command and a query naming the other's tenant
            Throwable bobAsA = catchThrowable(() -> bus.send(TEN, as("bob", "A")));
            Throwable aliceAsB = catchThrowable(() -> bus.send(TEN, as("alice", "B")));
            Throwable bobReadsA = catchThrowable(() -> tenantQueries().ask(new History("a-1"),
                QueryOptions.defaults().withPrincipal("bob").withTenant("A")));
            // then
            assertThat(bobAsA).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("'bob'").hasMessageContaining("does not belong to tenant 'A'");
            assertThat(aliceAsB).isInstanceOf(UnauthorizedException.class)
                .hasMessageContaining("does not belong to tenant 'B'");
            assertThat(bobReadsA).isInstanceOf(UnauthorizedException.class);
            assertThat(handlerRuns).hasValue(2);
            assertThat(events("A/account-a-1")).hasSize(1).allMatch(e -> "alice".equals(e.metadata().principal()));
            assertThat(events("B/account-a-1")).hasSize(1).allMatch(e -> "bob".equals(e.metadata().principal()));
            // a principal of both tenants may act for each
            bus.send(TEN, as("carol", "B"));
            assertThat(events("B/account-a-1")).hasSize(2);
        }

        @Test
        void tenant_b_naming_tenant_a_stream_ids_neither_reads_nor_writes_them() {
            // given: tenant A's account a-1
            var bus = tenantBus();
            var queries = tenantQueries();
            bus.send(TEN, as("alice", "A"));
            var alicesStream = events("A/account-a-1");
            // when: bob writes under the same id, under A's full stream id, and a path-like id
            bus.send(new Deposit("a-1", BigDecimal.ONE), as("bob", "B"));
            bus.send(new Deposit("A/account-a-1", BigDecimal.ONE), as("bob", "B"));
            bus.send(new Deposit("../A/account-a-1", BigDecimal.ONE), as("bob", "B"));
            List<RecordedEvent> bobSees = queries.ask(new History("a-1"), QueryOptions.defaults().withPrincipal("bob")
                .withTenant("B"));
            List<RecordedEvent> aliceSees = queries.ask(new History("a-1"), QueryOptions.defaults()
                .withPrincipal("alice").withTenant("A"));
            // then: A's stream is untouched and unseen by B; B's writes went to B's own streams; and the reverse
            assertThat(events("A/account-a-1")).isEqualTo(alicesStream);
            assertThat(bobSees).hasSize(1).allMatch(e -> e.streamId().startsWith("B/"))
                .allMatch(e -> "bob".equals(e.metadata().principal()));
            assertThat(aliceSees).hasSize(1).allMatch(e -> "alice".equals(e.metadata().principal()));
            try (var all = store.readAll(dev.eventline.core.LogPosition.START)) {
                assertThat(all.filter(e -> "bob".equals(e.metadata().principal())).map(RecordedEvent::streamId))
                    .allMatch(id -> id.startsWith("B/"))
                    .containsExactlyInAnyOrder("B/account-a-1", "B/account-A/account-a-1",
                        "B/account-../A/account-a-1");
            }
        }

        @Test
        void without_tenant_scoped_streams_the_same_id_would_write_the_other_tenants_stream() {
            // given: the control: a plain handler, whose stream id comes from the body alone
            var bus = CommandBus.builder().handle(AccountCommand.class, TestCommands.appendingTo(store))
                .middleware(TenantIsolationMiddleware.of(TENANTS::get),
                    AuthorizationMiddleware.builder().allow(Deposit.class, AuthorizationPolicy.authenticated()).build())
                .build();
            // when
            bus.send(TEN, as("alice", "A"));
            bus.send(TEN, as("bob", "B"));
            // then: isolation of who may act for a tenant is not enough; the stream must be scoped too
            assertThat(events("account-a-1")).extracting(e -> e.metadata().tenant()).containsExactly("A", "B");
        }

        @Test
        void tenant_names_that_could_break_the_scoping_are_refused() {
            for (String tenant : List.of("", " ", "A/B", "..", "a b", "x".repeat(65), "A\u0000", "\u202EA")) {
                assertThatThrownBy(() -> TenantStreams.streamId(tenant, "a-1")).as("tenant '%s'", tenant)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid tenant name");
            }
            assertThat(TenantStreams.streamId("tenant-1.eu_2", "a/b")).isEqualTo("tenant-1.eu_2/a/b");
        }

        @Test
        void a_command_type_with_no_policy_is_denied_even_for_a_member_of_the_tenant() {
            // Withdraw has a handler but no authorization policy
            Throwable thrown = catchThrowable(() -> tenantBus().send(new Withdraw("a-1", BigDecimal.ONE),
                as("alice", "A")));
            assertThat(thrown).isInstanceOf(UnauthorizedException.class).hasMessageContaining("denies by default")
                .hasMessageContaining(".allow(Withdraw.class, policy)");
            assertThat(handlerRuns).hasValue(0);
        }
    }

    @Nested
    class Saga_commands_replayed_from_outside {

        private static final String SAGA = "saga:TransferSaga";
        /** As a saga runner derives it: a name-based UUID of (saga type, saga id, input, step). */
        private final String sagaCommandId = UUID.nameUUIDFromBytes("TransferSaga/t-1/start/withdraw"
            .getBytes(StandardCharsets.UTF_8)).toString();
        private final Withdraw sagaWithdraw = new Withdraw("a-1", BigDecimal.TEN);

        private CommandBus bus(boolean scoped) {
            var authorization = AuthorizationMiddleware.builder()
                .allow(Withdraw.class, AuthorizationPolicy.principals("ada", SAGA))
                .build();
            var builder = CommandBus.builder().handle(AccountCommand.class, (command, context) -> {
                handlerRuns.incrementAndGet();
                return TestCommands.appendingTo(store).handle(command, context);
            }).middleware(authorization);
            if (scoped) {
                builder.middleware(CommandIdScopeMiddleware.perPrincipal());
            }
            return builder.middleware(IdempotencyMiddleware.inMemory()).build();
        }

        private CommandMetadata from(String principal) {
            return CommandMetadata.empty().withCommandId(sagaCommandId).withPrincipal(principal);
        }

        @Test
        void an_outside_caller_sending_the_saga_command_id_first_neither_hijacks_nor_blocks_the_step() {
            // given
            var bus = bus(true);
            // when: ada (allowed to withdraw) sends another withdrawal under the saga's id, then the saga sends
            bus.send(new Withdraw("a-1", new BigDecimal("99")), from("ada"));
            CommandResult sagaResult = bus.send(sagaWithdraw, from(SAGA));
            // then: both ran once, as two separate commands; the saga's step was not answered with ada's result
            assertThat(handlerRuns).hasValue(2);
            assertThat(events("account-a-1")).extracting(e -> e.metadata().principal())
                .containsExactly("ada", SAGA);
            assertThat(events("account-a-1")).allMatch(e -> e.metadata().causationId().equals(sagaCommandId));
            assertThat(sagaResult.version()).isEqualTo(2);
            // and the saga's resend after a crash is still deduplicated
            assertThat(bus.send(sagaWithdraw, from(SAGA))).isEqualTo(sagaResult);
            assertThat(handlerRuns).hasValue(2);
        }

        @Test
        void without_scoped_ids_an_outside_caller_first_blocks_the_saga_step_the_control() {
            var bus = bus(false);
            bus.send(new Withdraw("a-1", new BigDecimal("99")), from("ada"));
            assertThatThrownBy(() -> bus.send(sagaWithdraw, from(SAGA)))
                .isInstanceOf(CommandIdConflictException.class);
        }

        @Test
        void a_replay_of_the_saga_command_by_someone_the_policy_does_not_allow_is_denied_and_writes_nothing() {
            // given
            var bus = bus(true);
            CommandResult sagaResult = bus.send(sagaWithdraw, from(SAGA));
            // when: the same command, id and body, replayed by mallory and by an anonymous caller
            Throwable mallory = catchThrowable(() -> bus.send(sagaWithdraw, from("mallory")));
            Throwable anonymous = catchThrowable(() -> bus.send(sagaWithdraw, from(null)));
            // then
            assertThat(mallory).isInstanceOf(UnauthorizedException.class).hasMessageContaining("'mallory'");
            assertThat(anonymous).isInstanceOf(UnauthorizedException.class);
            assertThat(handlerRuns).hasValue(1);
            assertThat(events("account-a-1")).hasSize(1);
            assertThat(sagaResult.version()).isEqualTo(1);
        }

        @Test
        void a_scoped_id_that_does_not_fit_the_key_is_refused_before_anything_runs() {
            var bus = bus(true);
            assertThatThrownBy(() -> bus.send(sagaWithdraw, CommandMetadata.empty().withCommandId("k".repeat(195))
                .withPrincipal("ada"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scoped by its principal is too long");
            assertThat(handlerRuns).hasValue(0);
            assertThat(CommandIdScopeMiddleware.scopedId("ab", "c")).isNotEqualTo(
                CommandIdScopeMiddleware.scopedId("a", "b:c"));
        }
    }
}
