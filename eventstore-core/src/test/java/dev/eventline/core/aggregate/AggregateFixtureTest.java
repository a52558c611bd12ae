package dev.eventline.core.aggregate;

import static dev.eventline.core.aggregate.TestBank.ACCOUNT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.aggregate.TestBank.Account;
import dev.eventline.core.aggregate.TestBank.AccountOpened;
import dev.eventline.core.aggregate.TestBank.Deposit;
import dev.eventline.core.aggregate.TestBank.InsufficientFunds;
import dev.eventline.core.aggregate.TestBank.MoneyDeposited;
import dev.eventline.core.aggregate.TestBank.MoneyWithdrawn;
import dev.eventline.core.aggregate.TestBank.Noop;
import dev.eventline.core.aggregate.TestBank.Open;
import dev.eventline.core.aggregate.TestBank.Withdraw;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AggregateFixtureTest {

    static final BigDecimal TEN = new BigDecimal("10");
    static final BigDecimal FIFTY = new BigDecimal("50");

    @Nested
    class Passing {

        @Test
        void then_events_passes_when_decide_returns_exactly_those_events() {
            AggregateFixture.of(ACCOUNT)
                .given(new AccountOpened("Ada"), new MoneyDeposited(FIFTY))
                .when(new Withdraw(TEN))
                .thenEvents(new MoneyWithdrawn(TEN));
        }

        @Test
        void then_error_passes_when_decide_throws_that_type() {
            AggregateFixture.of(ACCOUNT)
                .given(new AccountOpened("Ada"), new MoneyDeposited(TEN))
                .when(new Withdraw(FIFTY))
                .thenError(InsufficientFunds.class, "below 50");
        }

        @Test
        void then_state_folds_the_given_and_the_new_events() {
            AggregateFixture.of(ACCOUNT)
                .given(List.of(new AccountOpened("Ada")))
                .when(new Deposit(TEN))
                .thenEvents(new MoneyDeposited(TEN))
                .thenState(new Account("Ada", TEN, true, 1));
        }

        @Test
        void then_no_events_passes_when_nothing_happens() {
            var outcome = AggregateFixture.of(ACCOUNT).given(new AccountOpened("Ada")).when(new Noop()).thenNoEvents();
            assertThat(outcome.events()).isEmpty();
        }
    }

    @Nested
    class Failing {

        @Test
        void different_events_fail_with_both_lists_in_the_message() {
            var outcome = AggregateFixture.of(ACCOUNT).given(new AccountOpened("Ada")).when(new Deposit(TEN));
            assertThatThrownBy(() -> outcome.thenEvents(new MoneyDeposited(FIFTY)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected events: [MoneyDeposited[amount=50]]")
                .hasMessageContaining("but decide returned: [MoneyDeposited[amount=10]]");
        }

        @Test
        void an_unexpected_exception_fails_then_events_and_is_attached_as_cause() {
            var outcome = AggregateFixture.of(ACCOUNT).when(new Deposit(TEN));
            assertThatThrownBy(() -> outcome.thenEvents(new MoneyDeposited(TEN)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("but decide threw: java.lang.IllegalStateException: account not open")
                .hasCauseInstanceOf(IllegalStateException.class);
        }

        @Test
        void then_error_fails_when_decide_returned_events() {
            var outcome = AggregateFixture.of(ACCOUNT).when(new Open("Ada"));
            assertThatThrownBy(() -> outcome.thenError(InsufficientFunds.class))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected error: " + InsufficientFunds.class.getName())
                .hasMessageContaining("but decide returned events: [AccountOpened[owner=Ada]]");
        }

        @Test
        void then_error_fails_on_another_exception_type_or_message() {
            var outcome = AggregateFixture.of(ACCOUNT).when(new Deposit(TEN));
            assertThatThrownBy(() -> outcome.thenError(InsufficientFunds.class))
                .isInstanceOf(AssertionError.class).hasMessageContaining("but decide threw");
            assertThatThrownBy(() -> outcome.thenError(IllegalStateException.class, "closed"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("but the message was: account not open");
        }

        @Test
        void then_state_fails_with_both_states_in_the_message() {
            var outcome = AggregateFixture.of(ACCOUNT).given(new AccountOpened("Ada")).when(new Deposit(TEN));
            assertThatThrownBy(() -> outcome.thenState(Account.NONE))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected state: " + Account.NONE)
                .hasMessageContaining("but the state is: " + new Account("Ada", TEN, true, 1));
        }

        @Test
        void an_evolve_that_throws_on_a_given_event_fails_the_when() {
            var fixture = AggregateFixture.of(ACCOUNT).given(List.of());
            var broken = AggregateFixture.of(Aggregate.of("broken", Account.class, Account.NONE, TestBank::decide,
                (Account s, TestBank.AccountEvent e) -> {
                    throw new IllegalArgumentException("cannot fold");
                })).given(new AccountOpened("Ada"));
            assertThat(fixture.when(new Open("Ada")).events()).containsExactly(new AccountOpened("Ada"));
            assertThatThrownBy(() -> broken.when(new Deposit(TEN)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("evolve threw");
        }
    }
}
