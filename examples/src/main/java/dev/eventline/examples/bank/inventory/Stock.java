package dev.eventline.examples.bank.inventory;

import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import dev.eventline.examples.bank.inventory.InventoryCommand.AddStock;
import dev.eventline.examples.bank.inventory.InventoryCommand.ReleaseStock;
import dev.eventline.examples.bank.inventory.InventoryCommand.ReserveStock;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockAdded;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockReleased;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockReserved;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A product's stock and its decider: never reserve more than is available, never release more than an order
 * holds.
 *
 * @param productId the product, null before the first stock arrives
 * @param onHand the units in the warehouse
 * @param reserved the units set aside for orders
 * @param lowStockThreshold the low-stock alert threshold
 * @param reservations the units each order holds, by order id (never zero entries)
 */
public record Stock(String productId, long onHand, long reserved, long lowStockThreshold,
                   Map<String, Long> reservations) {

    /** The aggregate type name. */
    public static final String TYPE = "product";
    /** The state before the first event. */
    public static final Stock INITIAL = new Stock(null, 0, 0, 0, Map.of());
    /** Stored type names of the inventory events. */
    public static final Map<String, Class<? extends InventoryEvent>> EVENT_TYPES = Map.of(
        "StockAdded", StockAdded.class,
        "StockReserved", StockReserved.class,
        "StockReleased", StockReleased.class);
    /** No product holds more than this many units: it keeps sums far from overflow. */
    public static final long MAX_ON_HAND = 1_000_000_000_000L;

    /** Copies the reservations into an immutable, sorted map. */
    public Stock {
        reservations = reservations == null ? Map.of() : Collections.unmodifiableMap(
            new TreeMap<>(reservations));
    }

    /** @return the units that may still be reserved */
    public long available() {
        return onHand - reserved;
    }

    /**
     * Decides what a command does to a product's stock.
     *
     * @param command the command
     * @param state the current stock
     * @return the events to append
     * @throws BusinessRuleException when a rule refuses the command
     * @throws AggregateNotFoundException when the product has never had stock
     */
    public static List<InventoryEvent> decide(InventoryCommand command, Stock state) {
        if (command instanceof AddStock add) {
            if (state.onHand + add.quantity() > MAX_ON_HAND) {
                throw new BusinessRuleException("stock_limit_exceeded", "Adding stock to product '"
                    + add.productId() + "' refused: more than " + MAX_ON_HAND + " units on hand (on_hand: "
                    + state.onHand + ", quantity: " + add.quantity() + ").");
            }
            long threshold = add.lowStockThreshold() != null ? add.lowStockThreshold() : state.lowStockThreshold;
            return List.of(new StockAdded(add.productId(), add.quantity(), threshold));
        }
        if (state.productId == null) {
            throw new AggregateNotFoundException(TYPE, command.productId());
        }
        if (command instanceof ReserveStock reserve) {
            if (reserve.quantity() > state.available()) {
                throw new BusinessRuleException("insufficient_stock", "Reserving product '" + reserve.productId()
                    + "' refused: not enough stock available (available: " + state.available() + ", quantity: "
                    + reserve.quantity() + "). Reserve at most the available quantity or add stock first.");
            }
            return List.of(new StockReserved(reserve.productId(), reserve.quantity(), reserve.orderId()));
        } else if (command instanceof ReleaseStock release) {
            long held = state.reservations.getOrDefault(release.orderId(), 0L);
            if (release.quantity() > held) {
                throw new BusinessRuleException("reservation_too_small", "Releasing product '"
                    + release.productId() + "' for order '" + release.orderId() + "' refused: the order holds "
                    + "fewer units (reserved_for_order: " + held + ", quantity: " + release.quantity() + ").");
            }
            return List.of(new StockReleased(release.productId(), release.quantity(), release.orderId()));
        }
        throw new IllegalStateException("unexpected inventory command: " + command.getClass().getName());
    }

    /**
     * Applies one event to the state.
     *
     * @param state the state before
     * @param event the event
     * @return the state after
     */
    public static Stock evolve(Stock state, InventoryEvent event) {
        Objects.requireNonNull(event, "event");
        if (event instanceof StockAdded added) {
            return new Stock(added.productId(), state.onHand + added.quantity(), state.reserved,
                added.lowStockThreshold(), state.reservations);
        } else if (event instanceof StockReserved reservedEvent) {
            var reservations = new TreeMap<>(state.reservations);
            reservations.merge(reservedEvent.orderId(), reservedEvent.quantity(), Long::sum);
            return new Stock(state.productId, state.onHand, state.reserved + reservedEvent.quantity(),
                state.lowStockThreshold, reservations);
        } else if (event instanceof StockReleased released) {
            var reservations = new TreeMap<>(state.reservations);
            long left = reservations.getOrDefault(released.orderId(), 0L) - released.quantity();
            if (left > 0) {
                reservations.put(released.orderId(), left);
            } else {
                reservations.remove(released.orderId());
            }
            return new Stock(state.productId, state.onHand, state.reserved - released.quantity(),
                state.lowStockThreshold, reservations);
        }
        throw new IllegalStateException("unexpected inventory event: " + event.getClass().getName());
    }
}
