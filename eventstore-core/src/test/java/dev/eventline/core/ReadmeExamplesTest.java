package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.aggregate.Aggregate;
import dev.eventline.core.aggregate.AggregateFixture;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiles and runs the README's getting-started, so it cannot rot. Keep the two in sync. */
class ReadmeExamplesTest {

    // README snippet: start
    sealed interface AccountEvent {}
    record AccountOpened(String owner) implements AccountEvent {}
    record MoneyDeposited(BigDecimal amount) implements AccountEvent {}

    sealed interface AccountCommand {}
    record Open(String owner) implements AccountCommand {}
    record Deposit(BigDecimal amount) implements AccountCommand {}

    record Account(String owner, BigDecimal balance) {
        static final Account NONE = new Account(null, BigDecimal.ZERO);

        static List<AccountEvent> decide(AccountCommand command, Account account) {
            if (command instanceof Open open) return List.of(new AccountOpened(open.owner()));
            if (account.owner() == null) throw new IllegalStateException("open the account first");
            if (command instanceof Deposit deposit) return List.of(new MoneyDeposited(deposit.amount()));
            throw new IllegalArgumentException("unknown command: " + command);
        }

        static Account evolve(Account account, AccountEvent event) {
            if (event instanceof AccountOpened opened) return new Account(opened.owner(), BigDecimal.ZERO);
            if (event instanceof MoneyDeposited deposited) {
                return new Account(account.owner(), account.balance().add(deposited.amount()));
            }
            throw new IllegalArgumentException("unknown event: " + event);
        }
    }

    static final Aggregate<AccountCommand, AccountEvent, Account> ACCOUNT =
        Aggregate.of("account", Account.class, Account.NONE, Account::decide, Account::evolve);

    static Account gettingStarted() {
        EventTypes types = EventTypes.builder()             // logical names are stored, never class names
            .register("AccountOpened", AccountOpened.class)
            .register("MoneyDeposited", MoneyDeposited.class)
            .build();
        EventStore store = EventStore.inMemory();           // or JdbcEventStore for PostgreSQL
        var accounts = AggregateRepository.builder(store, ACCOUNT, EventSerializer.of(types)).build();

        accounts.handle("42", new Open("Ada"));             // load, decide, append (retries on conflict)
        accounts.handle("42", new Deposit(new BigDecimal("25.00")));
        return accounts.load("42").state();                 // Account[owner=Ada, balance=25.00]
    }
    // README snippet: end

    @Test
    void the_getting_started_opens_an_account_and_deposits_into_it() {
        assertThat(gettingStarted()).isEqualTo(new Account("Ada", new BigDecimal("25.00")));
    }

    @Test
    void the_decider_is_tested_in_three_lines() {
        AggregateFixture.of(ACCOUNT)
            .given(new AccountOpened("Ada"))
            .when(new Deposit(BigDecimal.TEN))
            .thenEvents(new MoneyDeposited(BigDecimal.TEN));
    }

    @Test
    void a_rule_broken_by_a_command_reaches_the_caller_and_appends_nothing() {
        var store = EventStore.inMemory();
        var types = EventTypes.builder().register("AccountOpened", AccountOpened.class)
            .register("MoneyDeposited", MoneyDeposited.class).build();
        var accounts = AggregateRepository.builder(store, ACCOUNT, EventSerializer.of(types)).build();
        assertThatThrownBy(() -> accounts.handle("7", new Deposit(BigDecimal.ONE)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("open the account first");
        assertThat(store.streamVersion("account-7")).isZero();
    }
}
