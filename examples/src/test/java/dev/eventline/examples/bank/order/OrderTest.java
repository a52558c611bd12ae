package dev.eventline.examples.bank.order;

import dev.eventline.core.aggregate.AggregateFixture;
import dev.eventline.examples.bank.BankDomain;
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
import org.junit.jupiter.api.Test;

class OrderTest {

    private static final List<OrderItem> ITEMS = List.of(new OrderItem("p-1", 2, new BigDecimal("9.99")),
        new OrderItem("p-2", 1, new BigDecimal("0.02")));
    private static final OrderPlaced PLACED = new OrderPlaced("o-1", "c-1", ITEMS, new BigDecimal("20.00"));

    private static AggregateFixture<OrderCommand, OrderEvent, Order> fixture() {
        return AggregateFixture.of(BankDomain.ORDER);
    }

    @Test
    void placing_an_order_records_its_lines_and_exact_total() {
        fixture().given()
            .when(new PlaceOrder("o-1", "c-1", ITEMS))
            .thenEvents(PLACED);
    }

    @Test
    void a_placed_order_ships_once() {
        fixture().given(PLACED).when(new ShipOrder("o-1")).thenEvents(new OrderShipped("o-1"));
        fixture().given(PLACED, new OrderShipped("o-1")).when(new ShipOrder("o-1"))
            .thenError(BusinessRuleException.class, "already shipped");
    }

    @Test
    void a_shipped_order_cannot_be_cancelled_and_a_cancelled_one_cannot_ship() {
        fixture().given(PLACED, new OrderShipped("o-1")).when(new CancelOrder("o-1", "late"))
            .thenError(BusinessRuleException.class, "shipped");
        fixture().given(PLACED, new OrderCancelled("o-1", "late")).when(new ShipOrder("o-1"))
            .thenError(BusinessRuleException.class, "cancelled");
    }

    @Test
    void cancelling_records_the_reason() {
        fixture().given(PLACED).when(new CancelOrder("o-1", "customer changed their mind"))
            .thenEvents(new OrderCancelled("o-1", "customer changed their mind"));
    }

    @Test
    void an_order_id_cannot_be_placed_twice_and_unknown_orders_are_not_found() {
        fixture().given(PLACED).when(new PlaceOrder("o-1", "c-2", ITEMS))
            .thenError(BusinessRuleException.class, "already exists");
        fixture().given().when(new ShipOrder("o-9")).thenError(AggregateNotFoundException.class, "o-9");
    }
}
