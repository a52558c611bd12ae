package dev.eventline.examples.bank.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.account.Account;
import dev.eventline.examples.bank.account.AccountCommand;
import dev.eventline.examples.bank.inventory.InventoryCommand;
import dev.eventline.examples.bank.inventory.Stock;
import dev.eventline.examples.bank.order.Order;
import dev.eventline.examples.bank.order.OrderCommand;
import dev.eventline.examples.bank.order.OrderItem;
import dev.eventline.examples.bank.user.User;
import dev.eventline.examples.bank.user.UserCommand;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns the HTTP {@code command_type} and {@code data} into the domain's command records.
 * <p>
 * Written out per type rather than left to data binding, so that every missing or wrong-typed field gets a 400
 * naming it ({@code data.amount}), and so the id inside {@code data} (e.g. {@code account_id}) may be left out:
 * it defaults to the request's {@code aggregate_id}, and must equal it when given.
 */
public final class CommandTypes {

    /** The longest aggregate id the API takes. */
    public static final int MAX_ID_LENGTH = 100;

    /**
     * A parsed command and the kind of aggregate it is for.
     *
     * @param aggregateType the aggregate type ({@link Account#TYPE}, {@link Order#TYPE}…)
     * @param command the domain command record
     */
    public record Parsed(String aggregateType, Object command) {
    }

    private interface Parser {
        Object parse(String aggregateId, Fields data);
    }

    private record Entry(String aggregateType, String idField, Parser parser) {
    }

    private static final Map<String, Entry> TYPES = types();

    private CommandTypes() {
    }

    /** @return every command type name the API accepts, in a stable order */
    public static List<String> names() {
        return List.copyOf(TYPES.keySet());
    }

    /**
     * @param commandType the {@code command_type} of the request
     * @param aggregateId the {@code aggregate_id} of the request
     * @param data the {@code data} object
     * @return the parsed command
     * @throws ApiException 400 for an unknown type or invalid data
     */
    public static Parsed parse(String commandType, String aggregateId, JsonNode data) {
        Entry entry = TYPES.get(commandType);
        if (entry == null) {
            throw new ApiException(400, "unknown_command_type", "Unknown command_type '"
                + Fields.abbreviate(commandType) + "'. Known types: " + String.join(", ", TYPES.keySet()) + ".");
        }
        Fields fields = Fields.of(data, "data");
        if (fields.has(entry.idField())) {
            String inner = fields.text(entry.idField());
            if (!inner.equals(aggregateId)) {
                throw ApiException.badRequest("data." + entry.idField() + " ('" + Fields.abbreviate(inner)
                    + "') must equal aggregate_id ('" + Fields.abbreviate(aggregateId) + "'), or be left out");
            }
        }
        Object command = domain(() -> entry.parser().parse(aggregateId, fields), "data.");
        return new Parsed(entry.aggregateType(), command);
    }

    /**
     * @param commandType a command type name
     * @return the aggregate type it is for, or null when the type is unknown
     */
    public static String aggregateTypeOf(String commandType) {
        Entry entry = TYPES.get(commandType);
        return entry == null ? null : entry.aggregateType();
    }

    private static Map<String, Entry> types() {
        var types = new LinkedHashMap<String, Entry>();
        types.put("CreateAccount", new Entry(Account.TYPE, "account_id", (id, d) ->
            new AccountCommand.CreateAccount(id, d.text("owner"), d.decimal("initial_balance"))));
        types.put("DepositMoney", new Entry(Account.TYPE, "account_id", (id, d) ->
            new AccountCommand.DepositMoney(id, d.decimal("amount"), relatedAccount(d))));
        types.put("WithdrawMoney", new Entry(Account.TYPE, "account_id", (id, d) ->
            new AccountCommand.WithdrawMoney(id, d.decimal("amount"), relatedAccount(d))));
        types.put("CloseAccount", new Entry(Account.TYPE, "account_id", (id, d) ->
            new AccountCommand.CloseAccount(id)));
        types.put("PlaceOrder", new Entry(Order.TYPE, "order_id", (id, d) ->
            new OrderCommand.PlaceOrder(id, d.id("customer_id", MAX_ID_LENGTH), items(d))));
        types.put("ShipOrder", new Entry(Order.TYPE, "order_id", (id, d) -> new OrderCommand.ShipOrder(id)));
        types.put("CancelOrder", new Entry(Order.TYPE, "order_id", (id, d) ->
            new OrderCommand.CancelOrder(id, d.text("reason"))));
        types.put("AddStock", new Entry(Stock.TYPE, "product_id", (id, d) ->
            new InventoryCommand.AddStock(id, d.integer("quantity"), d.optionalInteger("low_stock_threshold"))));
        types.put("ReserveStock", new Entry(Stock.TYPE, "product_id", (id, d) ->
            new InventoryCommand.ReserveStock(id, d.integer("quantity"), d.id("order_id", MAX_ID_LENGTH))));
        types.put("ReleaseStock", new Entry(Stock.TYPE, "product_id", (id, d) ->
            new InventoryCommand.ReleaseStock(id, d.integer("quantity"), d.id("order_id", MAX_ID_LENGTH))));
        types.put("RegisterUser", new Entry(User.TYPE, "user_id", (id, d) ->
            new UserCommand.RegisterUser(id, d.text("name"), d.text("email"))));
        types.put("LoginUser", new Entry(User.TYPE, "user_id", (id, d) -> new UserCommand.LoginUser(id)));
        types.put("LogoutUser", new Entry(User.TYPE, "user_id", (id, d) -> new UserCommand.LogoutUser(id)));
        types.put("RecordUserAction", new Entry(User.TYPE, "user_id", (id, d) ->
            new UserCommand.RecordUserAction(id, d.text("action"))));
        return Collections.unmodifiableMap(types);
    }

    private static String relatedAccount(Fields data) {
        return data.has("related_account") ? data.id("related_account", MAX_ID_LENGTH) : null;
    }

    private static List<OrderItem> items(Fields data) {
        JsonNode array = data.array("items");
        if (array.size() == 0 || array.size() > OrderCommand.MAX_ITEMS) {
            throw ApiException.badRequest("data.items must hold 1 to " + OrderCommand.MAX_ITEMS
                + " items (items: " + array.size() + ")");
        }
        var items = new ArrayList<OrderItem>(array.size());
        for (int i = 0; i < array.size(); i++) {
            String path = "data.items[" + i + "]";
            Fields item = Fields.of(array.get(i), path);
            items.add(domain(() -> new OrderItem(item.id("product_id", MAX_ID_LENGTH), item.integer("quantity"),
                item.decimal("unit_price")), path + "."));
        }
        return items;
    }

    /** Runs domain construction, turning its argument checks into 400s naming the JSON field. */
    private static <T> T domain(Supplier<T> construction, String prefix) {
        try {
            return construction.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            throw ApiException.badRequest(message.startsWith(prefix) ? message : prefix + message);
        }
    }
}
