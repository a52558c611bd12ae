package dev.eventline.examples.bank.inventory;

import dev.eventline.examples.bank.domain.Values;

/** The commands a product's stock accepts. Each record checks its own arguments. */
public sealed interface InventoryCommand {

    /** @return the product the command is for */
    String productId();

    /**
     * Receives stock; creates the product's stock on first use.
     *
     * @param productId the product
     * @param quantity how many arrive, {@code >= 1}
     * @param lowStockThreshold when available stock is at or below this, a low-stock alert shows; null keeps
     *     the current threshold (0 for a new product)
     */
    record AddStock(String productId, long quantity, Long lowStockThreshold) implements InventoryCommand {
        /** Validates the arguments. */
        public AddStock {
            Values.requireId(productId, "product_id");
            Values.requirePositiveQuantity(quantity, "quantity");
            if (lowStockThreshold != null && (lowStockThreshold < 0 || lowStockThreshold > 1_000_000_000L)) {
                throw new IllegalArgumentException("low_stock_threshold must be between 0 and 1000000000 "
                    + "(low_stock_threshold: " + lowStockThreshold + ")");
            }
        }
    }

    /**
     * Sets stock aside for an order.
     *
     * @param productId the product
     * @param quantity how many, {@code >= 1}, at most the available stock
     * @param orderId the order it is for
     */
    record ReserveStock(String productId, long quantity, String orderId) implements InventoryCommand {
        /** Validates the arguments. */
        public ReserveStock {
            Values.requireId(productId, "product_id");
            Values.requirePositiveQuantity(quantity, "quantity");
            Values.requireId(orderId, "order_id");
        }
    }

    /**
     * Gives reserved stock back.
     *
     * @param productId the product
     * @param quantity how many, {@code >= 1}, at most what the order holds
     * @param orderId the order that reserved it
     */
    record ReleaseStock(String productId, long quantity, String orderId) implements InventoryCommand {
        /** Validates the arguments. */
        public ReleaseStock {
            Values.requireId(productId, "product_id");
            Values.requirePositiveQuantity(quantity, "quantity");
            Values.requireId(orderId, "order_id");
        }
    }
}
