package dev.eventline.examples.bank;

import dev.eventline.core.aggregate.Aggregate;
import dev.eventline.examples.bank.account.Account;
import dev.eventline.examples.bank.account.AccountCommand;
import dev.eventline.examples.bank.account.AccountEvent;
import dev.eventline.examples.bank.app.AggregateKind;
import dev.eventline.examples.bank.inventory.InventoryCommand;
import dev.eventline.examples.bank.inventory.InventoryEvent;
import dev.eventline.examples.bank.inventory.Stock;
import dev.eventline.examples.bank.order.Order;
import dev.eventline.examples.bank.order.OrderCommand;
import dev.eventline.examples.bank.order.OrderEvent;
import dev.eventline.examples.bank.user.User;
import dev.eventline.examples.bank.user.UserCommand;
import dev.eventline.examples.bank.user.UserEvent;
import java.util.List;

/**
 * The bank's four aggregates as Eventline {@link Aggregate}s: the pure deciders of the domain packages, plus the
 * type name that prefixes their streams ({@code account-acc-123}).
 */
public final class BankDomain {

    /** Accounts. */
    public static final Aggregate<AccountCommand, AccountEvent, Account> ACCOUNT = Aggregate.of(Account.TYPE,
        Account.class, Account.INITIAL, Account::decide, Account::evolve);
    /** Orders. */
    public static final Aggregate<OrderCommand, OrderEvent, Order> ORDER = Aggregate.of(Order.TYPE, Order.class,
        Order.INITIAL, Order::decide, Order::evolve);
    /** Products' stock. */
    public static final Aggregate<InventoryCommand, InventoryEvent, Stock> PRODUCT = Aggregate.of(Stock.TYPE,
        Stock.class, Stock.INITIAL, Stock::decide, Stock::evolve);
    /** Users. */
    public static final Aggregate<UserCommand, UserEvent, User> USER = Aggregate.of(User.TYPE, User.class,
        User.INITIAL, User::decide, User::evolve);

    private BankDomain() {
    }

    /** @return every aggregate kind, with its event type names */
    public static List<AggregateKind<?, ?, ?>> kinds() {
        return List.of(
            new AggregateKind<>(ACCOUNT, AccountCommand.class, Account.EVENT_TYPES, "AccountCreated"),
            new AggregateKind<>(ORDER, OrderCommand.class, Order.EVENT_TYPES, "OrderPlaced"),
            new AggregateKind<>(PRODUCT, InventoryCommand.class, Stock.EVENT_TYPES, "StockAdded"),
            new AggregateKind<>(USER, UserCommand.class, User.EVENT_TYPES, "UserRegistered"));
    }
}
