package dev.eventline.examples.bank.readmodel;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eventline.core.RecordedEvent;
import dev.eventline.examples.bank.order.OrderEvent.OrderCancelled;
import dev.eventline.examples.bank.order.OrderEvent.OrderPlaced;
import dev.eventline.examples.bank.order.OrderEvent.OrderShipped;
import dev.eventline.examples.bank.order.OrderItem;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code order_summary} read model: each order's details and status, every customer's and every product's
 * orders, and per-day statistics (UTC days).
 */
public final class OrderSummaryModel implements ReadModel {

    /** The model's name. */
    public static final String NAME = "order_summary";

    /**
     * An order as the queries answer it.
     *
     * @param orderId the order
     * @param customerId the customer
     * @param status {@code PLACED}, {@code SHIPPED} or {@code CANCELLED}
     * @param items the lines
     * @param total the sum of the lines
     * @param placedAt when it was placed
     * @param cancelReason why it was cancelled, absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(String orderId, String customerId, String status, List<OrderItem> items, BigDecimal total,
                          Instant placedAt, String cancelReason) {
    }

    /**
     * One UTC day's orders.
     *
     * @param date the day, {@code yyyy-mm-dd}
     * @param orders how many orders were placed that day
     * @param total their sum
     * @param cancelled how many orders were cancelled that day
     */
    public record DailyStats(String date, long orders, BigDecimal total, long cancelled) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("orders", "items", "daily");
    }

    @Override
    public List<String> createStatements(Tables t) {
        return List.of(
            "CREATE TABLE IF NOT EXISTS " + t.name("orders") + " (order_id VARCHAR(200) PRIMARY KEY, "
                + "customer_id VARCHAR(200) NOT NULL, status VARCHAR(10) NOT NULL, total DECIMAL(24,2) NOT NULL, "
                + "placed_at " + Sql.timestampType() + " NOT NULL, cancel_reason VARCHAR(500))",
            "CREATE INDEX IF NOT EXISTS " + t.name("orders_by_customer") + " ON " + t.name("orders")
                + " (customer_id)",
            "CREATE TABLE IF NOT EXISTS " + t.name("items") + " (order_id VARCHAR(200) NOT NULL, line INT NOT NULL,"
                + " product_id VARCHAR(200) NOT NULL, quantity BIGINT NOT NULL, unit_price DECIMAL(20,2) NOT NULL,"
                + " PRIMARY KEY (order_id, line))",
            "CREATE INDEX IF NOT EXISTS " + t.name("items_by_product") + " ON " + t.name("items") + " (product_id)",
            "CREATE TABLE IF NOT EXISTS " + t.name("daily") + " (stat_date VARCHAR(10) PRIMARY KEY, orders BIGINT NOT NULL,"
                + " total DECIMAL(24,2) NOT NULL, cancelled BIGINT NOT NULL)");
    }

    @Override
    public void apply(Connection c, Tables t, RecordedEvent recorded, Object event) throws SQLException {
        String day = LocalDate.ofInstant(recorded.recordedAt(), ZoneOffset.UTC).toString();
        if (event instanceof OrderPlaced placed) {
            Sql.update(c, "INSERT INTO " + t.name("orders") + " (order_id, customer_id, status, total, placed_at) "
                + "VALUES (?, ?, 'PLACED', ?, ?)", placed.orderId(), placed.customerId(), placed.total(),
                recorded.recordedAt());
            int line = 0;
            for (OrderItem item : placed.items()) {
                Sql.update(c, "INSERT INTO " + t.name("items") + " (order_id, line, product_id, quantity, unit_price)"
                    + " VALUES (?, ?, ?, ?, ?)", placed.orderId(), ++line, item.productId(), item.quantity(),
                    item.unitPrice());
            }
            addToDay(c, t, day, 1, placed.total(), 0);
        } else if (event instanceof OrderShipped shipped) {
            Sql.update(c, "UPDATE " + t.name("orders") + " SET status = 'SHIPPED' WHERE order_id = ?",
                shipped.orderId());
        } else if (event instanceof OrderCancelled cancelled) {
            Sql.update(c, "UPDATE " + t.name("orders") + " SET status = 'CANCELLED', cancel_reason = ? "
                + "WHERE order_id = ?", cancelled.reason(), cancelled.orderId());
            addToDay(c, t, day, 0, BigDecimal.ZERO, 1);
        }
    }

    private static void addToDay(Connection c, Tables t, String day, long orders, BigDecimal total, long cancelled)
        throws SQLException {
        int updated = Sql.update(c, "UPDATE " + t.name("daily") + " SET orders = orders + ?, total = total + ?, "
            + "cancelled = cancelled + ? WHERE stat_date = ?", orders, total, cancelled, day);
        if (updated == 0) {
            Sql.update(c, "INSERT INTO " + t.name("daily") + " (stat_date, orders, total, cancelled) VALUES (?, ?, ?, ?)",
                day, orders, total, cancelled);
        }
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param orderId the order
     * @return the order, empty when unknown
     * @throws SQLException when the database fails
     */
    public static Optional<Summary> order(Connection c, Tables t, String orderId) throws SQLException {
        List<Summary> found = summaries(c, t, "o.order_id = ?", orderId);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param customerId the customer
     * @return the customer's orders, oldest first
     * @throws SQLException when the database fails
     */
    public static List<Summary> byCustomer(Connection c, Tables t, String customerId) throws SQLException {
        return summaries(c, t, "o.customer_id = ?", customerId);
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param productId the product
     * @return the orders with a line for the product, oldest first
     * @throws SQLException when the database fails
     */
    public static List<Summary> byProduct(Connection c, Tables t, String productId) throws SQLException {
        return summaries(c, t, "o.order_id IN (SELECT order_id FROM " + t.name("items") + " WHERE product_id = ?)",
            productId);
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param date the UTC day
     * @return the day's statistics (zeros when nothing happened that day)
     * @throws SQLException when the database fails
     */
    public static DailyStats daily(Connection c, Tables t, LocalDate date) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT orders, total, cancelled FROM "
            + t.name("daily") + " WHERE stat_date = ?")) {
            statement.setString(1, date.toString());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return new DailyStats(date.toString(), 0, BigDecimal.ZERO.setScale(2), 0);
                }
                return new DailyStats(date.toString(), rows.getLong(1), rows.getBigDecimal(2), rows.getLong(3));
            }
        }
    }

    private static List<Summary> summaries(Connection c, Tables t, String where, String parameter)
        throws SQLException {
        var orders = new LinkedHashMap<String, Object[]>();
        try (PreparedStatement statement = c.prepareStatement("SELECT o.order_id, o.customer_id, o.status, o.total,"
            + " o.placed_at, o.cancel_reason FROM " + t.name("orders") + " o WHERE " + where
            + " ORDER BY o.placed_at, o.order_id")) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    orders.put(rows.getString(1), new Object[] {rows.getString(2), rows.getString(3),
                        rows.getBigDecimal(4), Sql.instant(rows, "placed_at"), rows.getString(6)});
                }
            }
        }
        if (orders.isEmpty()) {
            return List.of();
        }
        Map<String, List<OrderItem>> items = new LinkedHashMap<>();
        try (PreparedStatement statement = c.prepareStatement("SELECT i.order_id, i.product_id, i.quantity, "
            + "i.unit_price FROM " + t.name("items") + " i JOIN " + t.name("orders") + " o ON o.order_id = i.order_id"
            + " WHERE " + where + " ORDER BY i.order_id, i.line")) {
            statement.setString(1, parameter);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    items.computeIfAbsent(rows.getString(1), k -> new ArrayList<>())
                        .add(new OrderItem(rows.getString(2), rows.getLong(3), rows.getBigDecimal(4)));
                }
            }
        }
        var result = new ArrayList<Summary>(orders.size());
        orders.forEach((id, row) -> result.add(new Summary(id, (String) row[0], (String) row[1],
            items.getOrDefault(id, List.of()), (BigDecimal) row[2], (Instant) row[3], (String) row[4])));
        return result;
    }
}
