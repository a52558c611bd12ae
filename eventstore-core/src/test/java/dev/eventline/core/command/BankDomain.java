package dev.eventline.core.command;

import dev.eventline.core.aggregate.Aggregate;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import java.math.BigDecimal;
import java.util.List;

/** A small decider-based account, as a host application would write it, for the bus tests and the example. */
public final class BankDomain {

    public sealed interface AccountCommand permits OpenAccount, DepositMoney {
        String accountId();
    }

    public record OpenAccount(String accountId, String owner) implements AccountCommand {
    }

    public record DepositMoney(String accountId, BigDecimal amount) implements AccountCommand {
    }

    public sealed interface AccountEvent permits AccountOpened, MoneyDeposited {
    }

    public record AccountOpened(String accountId, String owner) implements AccountEvent {
    }

    public record MoneyDeposited(String accountId, BigDecimal amount) implements AccountEvent {
    }

    public record Account(boolean open, BigDecimal balance) {
        static final Account EMPTY = new Account(false, BigDecimal.ZERO);

        static List<AccountEvent> decide(AccountCommand command, Account state) {
            if (command instanceof OpenAccount open) {
                if (state.open()) {
                    throw new IllegalStateException("account " + open.accountId() + " is already open");
                }
                return List.of(new AccountOpened(open.accountId(), open.owner()));
            }
            if (command instanceof DepositMoney deposit) {
                if (!state.open()) {
                    throw new IllegalStateException("account " + deposit.accountId() + " is not open");
                }
                return List.of(new MoneyDeposited(deposit.accountId(), deposit.amount()));
            }
            throw new IllegalArgumentException("unknown command " + command);
        }

        static Account evolve(Account state, AccountEvent event) {
            if (event instanceof AccountOpened) {
                return new Account(true, state.balance());
            }
            if (event instanceof MoneyDeposited deposited) {
                return new Account(state.open(), state.balance().add(deposited.amount()));
            }
            throw new IllegalArgumentException("unknown event " + event);
        }
    }

    public static final Aggregate<AccountCommand, AccountEvent, Account> ACCOUNT =
        Aggregate.of("account", Account.class, Account.EMPTY, Account::decide, Account::evolve);

    public static final EventSerializer SERIALIZER = EventSerializer.of(EventTypes.builder()
        .register("AccountOpened", AccountOpened.class)
        .register("MoneyDeposited", MoneyDeposited.class)
        .build());

    private BankDomain() {
    }
}
