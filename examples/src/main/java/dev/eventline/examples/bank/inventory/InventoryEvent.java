package dev.eventline.examples.bank.inventory;

/** What happened to a product's stock. Stored under the type names in {@link Stock#EVENT_TYPES}. */
public sealed interface InventoryEvent {

    /** @return the product the event belongs to */
    String productId();

    /**
     * @param productId the product
     * @param quantity how many arrived
     * @param lowStockThreshold the threshold in force from now on
     */
    record StockAdded(String productId, long quantity, long lowStockThreshold) implements InventoryEvent {
    }

    /**
     * @param productId the product
     * @param quantity how many were set aside
     * @param orderId the order
     */
    record StockReserved(String productId, long quantity, String orderId) implements InventoryEvent {
    }

    /**
     * @param productId the product
     * @param quantity how many were given back
     * @param orderId the order that had reserved them
     */
    record StockReleased(String productId, long quantity, String orderId) implements InventoryEvent {
    }
}
