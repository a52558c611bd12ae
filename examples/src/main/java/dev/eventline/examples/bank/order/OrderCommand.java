package dev.eventline.examples.bank.order;

import dev.eventline.examples.bank.domain.Values;
import java.util.List;
import java.util.Objects;

/** The commands an order accepts. Each record checks its own arguments. */
public sealed interface OrderCommand {

    /** The most lines one order may have. */
    int MAX_ITEMS = 100;

    /** @return the order the command is for */
    String orderId();

    /**
     * Places a new order.
     *
     * @param orderId the new order's id
     * @param customerId the customer
     * @param items the lines, 1 to {@link #MAX_ITEMS}
     */
    record PlaceOrder(String orderId, String customerId, List<OrderItem> items) implements OrderCommand {
        /** Validates the arguments and copies the items. */
        public PlaceOrder {
            Values.requireId(orderId, "order_id");
            Values.requireId(customerId, "customer_id");
            Objects.requireNonNull(items, "items");
            if (items.isEmpty() || items.size() > MAX_ITEMS) {
                throw new IllegalArgumentException("items must hold 1 to " + MAX_ITEMS + " lines (items: "
                    + items.size() + ")");
            }
            items = List.copyOf(items);
        }
    }

    /**
     * Ships a placed order.
     *
     * @param orderId the order
     */
    record ShipOrder(String orderId) implements OrderCommand {
        /** Validates the argument. */
        public ShipOrder {
            Values.requireId(orderId, "order_id");
        }
    }

    /**
     * Cancels a placed order that has not shipped.
     *
     * @param orderId the order
     * @param reason why
     */
    record CancelOrder(String orderId, String reason) implements OrderCommand {
        /** Validates the arguments. */
        public CancelOrder {
            Values.requireId(orderId, "order_id");
            Values.requireText(reason, "reason", 500);
        }
    }
}
