package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The README's projection snippets, compiled and run so they cannot rot. */
class ReadmeExamplesTest {

    // README: a custom projection in one small class --------------------------------------------------------
    /** Balances per account, in memory. */
    static final class AccountBalances implements Projection {
        private final Map<String, Long> cents = new ConcurrentHashMap<>();

        @Override public String name() { return "account_balances"; }

        @Override public Set<String> eventTypes() { return Set.of("MoneyDeposited", "MoneyWithdrawn"); }

        @Override public void handle(RecordedEvent event, ProjectionContext context) {
            long amount = TestEvents.json(event).get("cents").asLong();
            cents.merge(event.streamId(), event.type().equals("MoneyDeposited") ? amount : -amount, Long::sum);
        }

        long centsOf(String account) { return cents.getOrDefault(account, 0L); }
    }
    // --------------------------------------------------------------------------------------------------------

    @Test
    void a_custom_projection_in_twenty_lines() {
        EventStore store = EventStore.inMemory();
        ReadModel<AccountBalances> balances = ReadModel.of(AccountBalances::new);
        try (var runner = ProjectionRunner.builder(store).register(balances).build()) {
            runner.start();
            AppendResult result = store.append("account-42", ExpectedVersion.noStream(), List.of(
                EventData.of("MoneyDeposited", "{\"cents\":500}"),
                EventData.of("MoneyWithdrawn", "{\"cents\":120}")));
            runner.wake();
            runner.awaitPosition("account_balances", result.events().get(1).position(), Duration.ofSeconds(5));
            assertThat(balances.current().centsOf("account-42")).isEqualTo(380);
            assertThat(runner.status("account_balances").lagEvents()).isZero();
        }
    }

    record MoneyDeposited(String account, long cents) {
    }

    @Test
    void a_builder_projection_with_typed_handlers() {
        var serializer = dev.eventline.core.serialization.EventSerializer.of(
            dev.eventline.core.serialization.EventTypes.builder().register("MoneyDeposited", MoneyDeposited.class)
                .build());
        Map<String, Long> totals = new ConcurrentHashMap<>();
        Projection deposits = Projection.builder("deposits")
            .decodeWith(serializer)
            .on(MoneyDeposited.class, (deposited, recorded, tx) ->
                totals.merge(deposited.account(), deposited.cents(), Long::sum))
            .build();
        EventStore store = EventStore.inMemory();
        store.append("account-1", ExpectedVersion.any(), List.of(serializer.serialize(new MoneyDeposited("a", 5)),
            serializer.serialize(new MoneyDeposited("a", 7)), EventData.of("Other", "{}")));
        ProjectionRunner.builder(store).register(deposits).build().catchUp();
        assertThat(totals).containsExactly(Map.entry("a", 12L));
    }

    @Test
    void the_fixture_states_given_events_and_the_expected_answer() {
        ProjectionFixture.of(AccountBalances::new)
            .given("account-1", "MoneyDeposited", "{\"cents\":500}")
            .given("account-1", "MoneyWithdrawn", "{\"cents\":200}")
            .given("account-2", "AccountRenamed", "{\"name\":\"savings\"}")
            .then(model -> assertThat(model.centsOf("account-1")).isEqualTo(300))
            .then(model -> assertThat(model.centsOf("account-2")).isZero());
    }

    @Test
    void an_inline_projection_is_up_to_date_when_the_append_returns() {
        var balances = new AccountBalances();
        EventStore store = InlineProjectionStore.wrap(EventStore.inMemory(), balances);
        store.append("account-7", ExpectedVersion.noStream(), List.of(EventData.of("MoneyDeposited",
            "{\"cents\":25}")));
        assertThat(balances.centsOf("account-7")).isEqualTo(25);
    }
}
