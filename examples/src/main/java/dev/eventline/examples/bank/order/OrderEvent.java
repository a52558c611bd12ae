package dev.eventline.examples.bank.order;

import java.math.BigDecimal;
import java.util.List;

/** What happened to an order. Stored under the type names in {@link Order#EVENT_TYPES}. */
public sealed interface OrderEvent {

    /** @return the order the event belongs to */
    String orderId();

    /**
     * @param orderId the order
     * @param customerId the customer
     * @param items the lines
     * @param total the sum of the lines
     */
    record OrderPlaced(String orderId, String customerId, List<OrderItem> items, BigDecimal total)
        implements OrderEvent {
        /** Copies the items. */
        public OrderPlaced {
            items = List.copyOf(items);
        }
    }

    /** @param orderId the order */
    record OrderShipped(String orderId) implements OrderEvent {
    }

    /**
     * @param orderId the order
     * @param reason why it was cancelled
     */
    record OrderCancelled(String orderId, String reason) implements OrderEvent {
    }
}
