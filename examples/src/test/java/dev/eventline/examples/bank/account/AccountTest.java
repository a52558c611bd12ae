package dev.eventline.examples.bank.account;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.aggregate.AggregateFixture;
import dev.eventline.examples.bank.BankDomain;
import dev.eventline.examples.bank.account.AccountCommand.CloseAccount;
import dev.eventline.examples.bank.account.AccountCommand.CreateAccount;
import dev.eventline.examples.bank.account.AccountCommand.DepositMoney;
import dev.eventline.examples.bank.account.AccountCommand.WithdrawMoney;
import dev.eventline.examples.bank.account.AccountEvent.AccountClosed;
import dev.eventline.examples.bank.account.AccountEvent.AccountCreated;
import dev.eventline.examples.bank.account.AccountEvent.MoneyDeposited;
import dev.eventline.examples.bank.account.AccountEvent.MoneyWithdrawn;
import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AccountTest {

    private static final AccountCreated CREATED = new AccountCreated("acc-1", "Ada", new BigDecimal("100.00"));

    private static AggregateFixture<AccountCommand, AccountEvent, Account> fixture() {
        return AggregateFixture.of(BankDomain.ACCOUNT);
    }

    @Test
    void creating_an_account_records_the_opening_balance_in_one_event() {
        fixture().given()
            .when(new CreateAccount("acc-1", "Ada", new BigDecimal("100.00")))
            .thenEvents(CREATED)
            .thenState(new Account("acc-1", "Ada", new BigDecimal("100.00"), Account.Status.OPEN, 1));
    }

    @Test
    void creating_an_existing_account_is_refused() {
        fixture().given(CREATED)
            .when(new CreateAccount("acc-1", "Bob", BigDecimal.ZERO))
            .thenError(BusinessRuleException.class, "already exists");
    }

    @Test
    void a_deposit_adds_to_the_balance_exactly() {
        fixture().given(CREATED)
            .when(new DepositMoney("acc-1", new BigDecimal("0.10")))
            .thenEvents(new MoneyDeposited("acc-1", new BigDecimal("0.10"), new BigDecimal("100.10"), null));
    }

    @Test
    void a_withdrawal_of_the_whole_balance_leaves_zero() {
        fixture().given(CREATED)
            .when(new WithdrawMoney("acc-1", new BigDecimal("100")))
            .thenEvents(new MoneyWithdrawn("acc-1", new BigDecimal("100"), new BigDecimal("0.00"), null));
    }

    @Test
    void a_withdrawal_beyond_the_balance_is_refused_as_insufficient_funds() {
        fixture().given(CREATED, new MoneyWithdrawn("acc-1", new BigDecimal("60"), new BigDecimal("40.00"), null))
            .when(new WithdrawMoney("acc-1", new BigDecimal("40.01")))
            .thenError(BusinessRuleException.class, "insufficient funds");
    }

    @Test
    void money_movements_on_an_unknown_account_say_it_does_not_exist() {
        fixture().given()
            .when(new DepositMoney("nope", BigDecimal.ONE))
            .thenError(AggregateNotFoundException.class, "nope");
    }

    @Test
    void a_closed_account_refuses_deposits_and_a_second_close() {
        fixture().given(CREATED, new AccountClosed("acc-1", new BigDecimal("100.00")))
            .when(new DepositMoney("acc-1", BigDecimal.ONE))
            .thenError(BusinessRuleException.class, "closed");
        fixture().given(CREATED, new AccountClosed("acc-1", new BigDecimal("100.00")))
            .when(new CloseAccount("acc-1"))
            .thenError(BusinessRuleException.class, "closed");
    }

    @Test
    void closing_keeps_the_final_balance() {
        fixture().given(CREATED)
            .when(new CloseAccount("acc-1"))
            .thenEvents(new AccountClosed("acc-1", new BigDecimal("100.00")));
    }

    @Test
    void amounts_must_be_positive_with_at_most_two_decimals() {
        assertThatThrownBy(() -> new DepositMoney("acc-1", new BigDecimal("-1")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("amount");
        assertThatThrownBy(() -> new DepositMoney("acc-1", BigDecimal.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("greater than 0");
        assertThatThrownBy(() -> new WithdrawMoney("acc-1", new BigDecimal("0.001")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("decimals");
        assertThatThrownBy(() -> new CreateAccount("acc-1", "Ada", new BigDecimal("-0.01")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial_balance");
    }
}
