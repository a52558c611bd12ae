package dev.eventline.core.aggregate;

import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import java.math.BigDecimal;
import java.util.List;

/** A small bank account decider shared by the aggregate, snapshot and serialization tests. */
public final class TestBank {

    /** Events of an account. */
    public sealed interface AccountEvent {
    }

    /** The account was opened. */
    public record AccountOpened(String owner) implements AccountEvent {
    }

    /** Money was deposited. */
    public record MoneyDeposited(BigDecimal amount) implements AccountEvent {
    }

    /** Money was withdrawn. */
    public record MoneyWithdrawn(BigDecimal amount) implements AccountEvent {
    }

    /** Commands to an account. */
    public sealed interface AccountCommand {
    }

    /** Open the account. */
    public record Open(String owner) implements AccountCommand {
    }

    /** Deposit money. */
    public record Deposit(BigDecimal amount) implements AccountCommand {
    }

    /** Withdraw money. */
    public record Withdraw(BigDecimal amount) implements AccountCommand {
    }

    /** A command that changes nothing. */
    public record Noop() implements AccountCommand {
    }

    /** A withdrawal larger than the balance. */
    public static final class InsufficientFunds extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InsufficientFunds(BigDecimal balance, BigDecimal amount) {
            super("balance " + balance + " is below " + amount);
        }
    }

    /** The account's state. */
    public record Account(String owner, BigDecimal balance, boolean open, long transactions) {
        public static final Account NONE = new Account(null, BigDecimal.ZERO, false, 0);
    }

    /** The aggregate under test. */
    public static final Aggregate<AccountCommand, AccountEvent, Account> ACCOUNT =
        Aggregate.of("account", Account.class, Account.NONE, TestBank::decide, TestBank::evolve);

    /** The event types of the account. */
    public static final EventTypes TYPES = EventTypes.builder()
        .register("AccountOpened", AccountOpened.class)
        .register("MoneyDeposited", MoneyDeposited.class)
        .register("MoneyWithdrawn", MoneyWithdrawn.class)
        .build();

    /** A serializer for the account's events. */
    public static final EventSerializer SERIALIZER = EventSerializer.of(TYPES);

    private TestBank() {
    }

    static List<AccountEvent> decide(AccountCommand command, Account account) {
        if (command instanceof Open open) {
            if (account.open()) {
                throw new IllegalStateException("account already open");
            }
            return List.of(new AccountOpened(open.owner()));
        }
        if (!account.open()) {
            throw new IllegalStateException("account not open");
        }
        if (command instanceof Deposit deposit) {
            return List.of(new MoneyDeposited(deposit.amount()));
        }
        if (command instanceof Withdraw withdraw) {
            if (account.balance().compareTo(withdraw.amount()) < 0) {
                throw new InsufficientFunds(account.balance(), withdraw.amount());
            }
            return List.of(new MoneyWithdrawn(withdraw.amount()));
        }
        if (command instanceof Noop) {
            return List.of();
        }
        throw new IllegalArgumentException("unexpected command: " + command);
    }

    static Account evolve(Account account, AccountEvent event) {
        if (event instanceof AccountOpened opened) {
            return new Account(opened.owner(), BigDecimal.ZERO, true, 0);
        }
        if (event instanceof MoneyDeposited deposited) {
            return new Account(account.owner(), account.balance().add(deposited.amount()), true,
                account.transactions() + 1);
        }
        if (event instanceof MoneyWithdrawn withdrawn) {
            return new Account(account.owner(), account.balance().subtract(withdrawn.amount()), true,
                account.transactions() + 1);
        }
        throw new IllegalArgumentException("unexpected event: " + event);
    }
}
