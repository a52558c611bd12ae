package dev.eventline.examples.bank;

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

/** The bank's four aggregate kinds, as the application wires them. */
public final class BankDomain {

    /** Accounts. */
    public static final AggregateKind<AccountCommand, AccountEvent, Account> ACCOUNTS = new AggregateKind<>(
        Account.TYPE, AccountCommand.class, AccountEvent.class, Account.class, Account.INITIAL, Account::decide,
        Account::evolve, Account.EVENT_TYPES, "AccountCreated");
    /** Orders. */
    public static final AggregateKind<OrderCommand, OrderEvent, Order> ORDERS = new AggregateKind<>(
        Order.TYPE, OrderCommand.class, OrderEvent.class, Order.class, Order.INITIAL, Order::decide, Order::evolve,
        Order.EVENT_TYPES, "OrderPlaced");
    /** Products' stock. */
    public static final AggregateKind<InventoryCommand, InventoryEvent, Stock> INVENTORY = new AggregateKind<>(
        Stock.TYPE, InventoryCommand.class, InventoryEvent.class, Stock.class, Stock.INITIAL, Stock::decide,
        Stock::evolve, Stock.EVENT_TYPES, "StockAdded");
    /** Users. */
    public static final AggregateKind<UserCommand, UserEvent, User> USERS = new AggregateKind<>(
        User.TYPE, UserCommand.class, UserEvent.class, User.class, User.INITIAL, User::decide, User::evolve,
        User.EVENT_TYPES, "UserRegistered");

    private BankDomain() {
    }

    /** @return every kind */
    public static List<AggregateKind<?, ?, ?>> kinds() {
        return List.of(ACCOUNTS, ORDERS, INVENTORY, USERS);
    }
}
