package dev.eventline.examples.bank.order;

import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import dev.eventline.examples.bank.order.OrderCommand.CancelOrder;
import dev.eventline.examples.bank.order.OrderCommand.PlaceOrder;
import dev.eventline.examples.bank.order.OrderCommand.ShipOrder;
import dev.eventline.examples.bank.order.OrderEvent.OrderCancelled;
import dev.eventline.examples.bank.order.OrderEvent.OrderPlaced;
import dev.eventline.examples.bank.order.OrderEvent.OrderShipped;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An order's state and its decider: placed once, then shipped or cancelled, never both.
 *
 * @param orderId the order's id, null before it is placed
 * @param customerId the customer, null before it is placed
 * @param status where the order is in its life
 * @param total the order's total
 */
public record Order(String orderId, String customerId, Status status, BigDecimal total) {

    /** The aggregate type name. */
    public static final String TYPE = "order";
    /** The state before the first event. */
    public static final Order INITIAL = new Order(null, null, Status.NONE, BigDecimal.ZERO);
    /** Stored type names of the order events. */
    public static final Map<String, Class<? extends OrderEvent>> EVENT_TYPES = Map.of(
        "OrderPlaced", OrderPlaced.class,
        "OrderShipped", OrderShipped.class,
        "OrderCancelled", OrderCancelled.class);

    /** Where an order is in its life. */
    public enum Status {
        /** Not placed yet. */
        NONE,
        /** Placed, waiting to ship. */
        PLACED,
        /** Shipped: final. */
        SHIPPED,
        /** Cancelled: final. */
        CANCELLED
    }

    /**
     * Decides what a command does to an order.
     *
     * @param command the command
     * @param state the order's current state
     * @return the events to append
     * @throws BusinessRuleException when a rule refuses the command
     * @throws AggregateNotFoundException when the order does not exist
     */
    public static List<OrderEvent> decide(OrderCommand command, Order state) {
        if (command instanceof PlaceOrder place) {
            if (state.status != Status.NONE) {
                throw new BusinessRuleException("order_already_exists", "Order '" + place.orderId()
                    + "' already exists (status: " + state.status + "). Choose another order_id.");
            }
            BigDecimal total = place.items().stream().map(OrderItem::lineTotal)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
            return List.of(new OrderPlaced(place.orderId(), place.customerId(), place.items(), total));
        }
        if (state.status == Status.NONE) {
            throw new AggregateNotFoundException(TYPE, command.orderId());
        }
        if (state.status != Status.PLACED) {
            throw new BusinessRuleException("order_" + state.status.name().toLowerCase(Locale.ROOT),
                "Order '" + command.orderId() + "' is already " + state.status.name().toLowerCase(Locale.ROOT)
                    + " (status: " + state.status + "). Only a placed order can be shipped or cancelled.");
        }
        if (command instanceof ShipOrder ship) {
            return List.of(new OrderShipped(ship.orderId()));
        } else if (command instanceof CancelOrder cancel) {
            return List.of(new OrderCancelled(cancel.orderId(), cancel.reason()));
        }
        throw new IllegalStateException("unexpected order command: " + command.getClass().getName());
    }

    /**
     * Applies one event to the state.
     *
     * @param state the state before
     * @param event the event
     * @return the state after
     */
    public static Order evolve(Order state, OrderEvent event) {
        if (event instanceof OrderPlaced placed) {
            return new Order(placed.orderId(), placed.customerId(), Status.PLACED, placed.total());
        } else if (event instanceof OrderShipped) {
            return new Order(state.orderId, state.customerId, Status.SHIPPED, state.total);
        } else if (event instanceof OrderCancelled) {
            return new Order(state.orderId, state.customerId, Status.CANCELLED, state.total);
        }
        throw new IllegalStateException("unexpected order event: " + event.getClass().getName());
    }
}
