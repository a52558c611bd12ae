package dev.eventline.examples.bank.account;

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
import java.util.List;
import java.util.Map;

/**
 * A bank account's state, and the decider that guards it: no overdraft, no activity on a closed account.
 * <p>
 * {@link #decide} and {@link #evolve} are pure functions; the state is an immutable record (safe to share, and
 * what snapshots store).
 *
 * @param accountId the account's id, null before it is created
 * @param owner the owner's name, null before it is created
 * @param balance the current balance
 * @param status whether the account exists and is open
 * @param transactionCount how many events the account has (creation included)
 */
public record Account(String accountId, String owner, BigDecimal balance, Status status, long transactionCount) {

    /** The aggregate type name, also the stream-category of accounts. */
    public static final String TYPE = "account";
    /** The state before the first event. */
    public static final Account INITIAL = new Account(null, null, BigDecimal.ZERO, Status.NONE, 0);
    /** Stored type names of the account events. */
    public static final Map<String, Class<? extends AccountEvent>> EVENT_TYPES = Map.of(
        "AccountCreated", AccountCreated.class,
        "MoneyDeposited", MoneyDeposited.class,
        "MoneyWithdrawn", MoneyWithdrawn.class,
        "AccountClosed", AccountClosed.class);
    /** Balances never exceed this: it keeps read-model columns (DECIMAL(20,2)) exact. */
    public static final BigDecimal MAX_BALANCE = new BigDecimal("999999999999999.99");

    /** Whether an account exists and is open. */
    public enum Status {
        /** Not created yet. */
        NONE,
        /** Open: accepts deposits and withdrawals. */
        OPEN,
        /** Closed: refuses every command. */
        CLOSED
    }

    /**
     * Decides what a command does to an account.
     *
     * @param command the command
     * @param state the account's current state
     * @return the events to append
     * @throws BusinessRuleException when a rule refuses the command
     * @throws AggregateNotFoundException when the account does not exist
     */
    public static List<AccountEvent> decide(AccountCommand command, Account state) {
        if (command instanceof CreateAccount create) {
            if (state.status != Status.NONE) {
                throw new BusinessRuleException("account_already_exists", "Account '" + create.accountId()
                    + "' already exists (owner: " + state.owner + "). Choose another account_id.");
            }
            return List.of(new AccountCreated(create.accountId(), create.owner(), create.initialBalance()));
        }
        state.requireOpen(command.accountId());
        if (command instanceof DepositMoney deposit) {
            BigDecimal after = state.balance.add(deposit.amount());
            if (after.compareTo(MAX_BALANCE) > 0) {
                throw new BusinessRuleException("balance_limit_exceeded", "Deposit to account '"
                    + deposit.accountId() + "' refused: the balance would exceed " + MAX_BALANCE.toPlainString()
                    + " (balance: " + state.balance.toPlainString() + ", amount: " + deposit.amount().toPlainString()
                    + ").");
            }
            return List.of(new MoneyDeposited(deposit.accountId(), deposit.amount(), after,
                deposit.relatedAccount()));
        } else if (command instanceof WithdrawMoney withdraw) {
            if (state.balance.compareTo(withdraw.amount()) < 0) {
                throw new BusinessRuleException("insufficient_funds", "Withdrawal from account '"
                    + withdraw.accountId() + "' refused: insufficient funds (balance: "
                    + state.balance.toPlainString() + ", amount: " + withdraw.amount().toPlainString()
                    + "). Withdraw at most the balance.");
            }
            return List.of(new MoneyWithdrawn(withdraw.accountId(), withdraw.amount(),
                state.balance.subtract(withdraw.amount()), withdraw.relatedAccount()));
        } else if (command instanceof CloseAccount close) {
            return List.of(new AccountClosed(close.accountId(), state.balance));
        }
        throw new IllegalStateException("unexpected account command: " + command.getClass().getName());
    }

    /**
     * Applies one event to the state.
     *
     * @param state the state before
     * @param event the event
     * @return the state after
     */
    public static Account evolve(Account state, AccountEvent event) {
        long count = state.transactionCount + 1;
        if (event instanceof AccountCreated created) {
            return new Account(created.accountId(), created.owner(), created.openingBalance(), Status.OPEN, count);
        } else if (event instanceof MoneyDeposited deposited) {
            return new Account(state.accountId, state.owner, deposited.balanceAfter(), state.status, count);
        } else if (event instanceof MoneyWithdrawn withdrawn) {
            return new Account(state.accountId, state.owner, withdrawn.balanceAfter(), state.status, count);
        } else if (event instanceof AccountClosed) {
            return new Account(state.accountId, state.owner, state.balance, Status.CLOSED, count);
        }
        throw new IllegalStateException("unexpected account event: " + event.getClass().getName());
    }

    private void requireOpen(String accountId) {
        if (status == Status.NONE) {
            throw new AggregateNotFoundException(TYPE, accountId);
        }
        if (status == Status.CLOSED) {
            throw new BusinessRuleException("account_closed", "Account '" + accountId
                + "' is closed (balance: " + balance.toPlainString() + "). Use an open account.");
        }
    }
}
