package dev.eventline.examples.bank.readmodel;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eventline.core.RecordedEvent;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockAdded;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockReleased;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockReserved;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code inventory} read model: stock on hand, reserved and available per product, every stock movement,
 * and low-stock alerts (available at or below the product's threshold).
 */
public final class InventoryModel implements ReadModel {

    /** The model's name. */
    public static final String NAME = "inventory";

    /**
     * A product's stock as {@code GetStockLevel} answers it.
     *
     * @param productId the product
     * @param onHand units in the warehouse
     * @param reserved units set aside for orders
     * @param available units that may still be reserved
     * @param lowStockThreshold the alert threshold
     */
    public record StockLevel(String productId, long onHand, long reserved, long available, long lowStockThreshold) {
    }

    /**
     * A low-stock alert.
     *
     * @param productId the product
     * @param available units that may still be reserved
     * @param lowStockThreshold the threshold it is at or below
     */
    public record LowStockAlert(String productId, long available, long lowStockThreshold) {
    }

    /**
     * One stock movement.
     *
     * @param type {@code added}, {@code reserved} or {@code released}
     * @param quantity how many units
     * @param orderId the order, absent for added stock
     * @param timestamp when it was recorded
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Movement(String type, long quantity, String orderId, Instant timestamp) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("stock", "movements");
    }

    @Override
    public List<String> createStatements(Tables t) {
        return List.of(
            "CREATE TABLE IF NOT EXISTS " + t.name("stock") + " (product_id VARCHAR(200) PRIMARY KEY, "
                + "on_hand BIGINT NOT NULL, reserved BIGINT NOT NULL, low_stock_threshold BIGINT NOT NULL)",
            "CREATE TABLE IF NOT EXISTS " + t.name("movements") + " (product_id VARCHAR(200) NOT NULL, "
                + "version BIGINT NOT NULL, type VARCHAR(10) NOT NULL, quantity BIGINT NOT NULL, "
                + "order_id VARCHAR(200), recorded_at " + Sql.timestampType() + " NOT NULL, "
                + "PRIMARY KEY (product_id, version))");
    }

    @Override
    public void apply(Connection c, Tables t, RecordedEvent recorded, Object event) throws SQLException {
        if (event instanceof StockAdded added) {
            int updated = Sql.update(c, "UPDATE " + t.name("stock") + " SET on_hand = on_hand + ?, "
                + "low_stock_threshold = ? WHERE product_id = ?", added.quantity(), added.lowStockThreshold(),
                added.productId());
            if (updated == 0) {
                Sql.update(c, "INSERT INTO " + t.name("stock") + " (product_id, on_hand, reserved, "
                    + "low_stock_threshold) VALUES (?, ?, 0, ?)", added.productId(), added.quantity(),
                    added.lowStockThreshold());
            }
            movement(c, t, recorded, added.productId(), "added", added.quantity(), null);
        } else if (event instanceof StockReserved reserved) {
            Sql.update(c, "UPDATE " + t.name("stock") + " SET reserved = reserved + ? WHERE product_id = ?",
                reserved.quantity(), reserved.productId());
            movement(c, t, recorded, reserved.productId(), "reserved", reserved.quantity(), reserved.orderId());
        } else if (event instanceof StockReleased released) {
            Sql.update(c, "UPDATE " + t.name("stock") + " SET reserved = reserved - ? WHERE product_id = ?",
                released.quantity(), released.productId());
            movement(c, t, recorded, released.productId(), "released", released.quantity(), released.orderId());
        }
    }

    private static void movement(Connection c, Tables t, RecordedEvent recorded, String productId, String type,
                                 long quantity, String orderId) throws SQLException {
        Sql.update(c, "INSERT INTO " + t.name("movements") + " (product_id, version, type, quantity, order_id, "
            + "recorded_at) VALUES (?, ?, ?, ?, ?, ?)", productId, recorded.version(), type, quantity,
            orderId, recorded.recordedAt());
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param productId the product
     * @return its stock, empty when unknown
     * @throws SQLException when the database fails
     */
    public static Optional<StockLevel> level(Connection c, Tables t, String productId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT product_id, on_hand, reserved, "
            + "low_stock_threshold FROM " + t.name("stock") + " WHERE product_id = ?")) {
            statement.setString(1, productId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                long onHand = rows.getLong(2);
                long reserved = rows.getLong(3);
                return Optional.of(new StockLevel(rows.getString(1), onHand, reserved, onHand - reserved,
                    rows.getLong(4)));
            }
        }
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @return every product whose available stock is at or below its threshold, by product id
     * @throws SQLException when the database fails
     */
    public static List<LowStockAlert> lowStock(Connection c, Tables t) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT product_id, on_hand - reserved, "
            + "low_stock_threshold FROM " + t.name("stock") + " WHERE on_hand - reserved <= low_stock_threshold "
            + "ORDER BY product_id")) {
            try (ResultSet rows = statement.executeQuery()) {
                var result = new ArrayList<LowStockAlert>();
                while (rows.next()) {
                    result.add(new LowStockAlert(rows.getString(1), rows.getLong(2), rows.getLong(3)));
                }
                return result;
            }
        }
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param productId the product
     * @return its movements, oldest first
     * @throws SQLException when the database fails
     */
    public static List<Movement> movements(Connection c, Tables t, String productId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT type, quantity, order_id, recorded_at FROM "
            + t.name("movements") + " WHERE product_id = ? ORDER BY version")) {
            statement.setString(1, productId);
            try (ResultSet rows = statement.executeQuery()) {
                var result = new ArrayList<Movement>();
                while (rows.next()) {
                    result.add(new Movement(rows.getString(1), rows.getLong(2), rows.getString(3),
                        Sql.instant(rows, "recorded_at")));
                }
                return result;
            }
        }
    }
}
