package dev.eventline.examples.bank.inventory;

import dev.eventline.core.aggregate.AggregateFixture;
import dev.eventline.examples.bank.BankDomain;
import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import dev.eventline.examples.bank.inventory.InventoryCommand.AddStock;
import dev.eventline.examples.bank.inventory.InventoryCommand.ReleaseStock;
import dev.eventline.examples.bank.inventory.InventoryCommand.ReserveStock;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockAdded;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockReleased;
import dev.eventline.examples.bank.inventory.InventoryEvent.StockReserved;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StockTest {

    private static final StockAdded ADDED = new StockAdded("p-1", 10, 3);

    private static AggregateFixture<InventoryCommand, InventoryEvent, Stock> fixture() {
        return AggregateFixture.of(BankDomain.PRODUCT);
    }

    @Test
    void adding_stock_keeps_the_threshold_unless_a_new_one_is_given() {
        fixture().given().when(new AddStock("p-1", 10, 3L)).thenEvents(ADDED);
        fixture().given(ADDED).when(new AddStock("p-1", 5, null)).thenEvents(new StockAdded("p-1", 5, 3));
    }

    @Test
    void reserving_takes_from_available_and_tracks_the_order() {
        fixture().given(ADDED)
            .when(new ReserveStock("p-1", 4, "o-1"))
            .thenEvents(new StockReserved("p-1", 4, "o-1"))
            .thenState(new Stock("p-1", 10, 4, 3, Map.of("o-1", 4L)));
    }

    @Test
    void reserving_more_than_available_is_refused() {
        fixture().given(ADDED, new StockReserved("p-1", 8, "o-1"))
            .when(new ReserveStock("p-1", 3, "o-2"))
            .thenError(BusinessRuleException.class, "available: 2");
    }

    @Test
    void releasing_gives_back_at_most_what_the_order_holds() {
        fixture().given(ADDED, new StockReserved("p-1", 4, "o-1"))
            .when(new ReleaseStock("p-1", 4, "o-1"))
            .thenEvents(new StockReleased("p-1", 4, "o-1"))
            .thenState(new Stock("p-1", 10, 0, 3, Map.of()));
        fixture().given(ADDED, new StockReserved("p-1", 4, "o-1"))
            .when(new ReleaseStock("p-1", 1, "o-2"))
            .thenError(BusinessRuleException.class, "reserved_for_order: 0");
    }

    @Test
    void reserving_a_product_that_never_had_stock_says_it_does_not_exist() {
        fixture().given().when(new ReserveStock("p-9", 1, "o-1")).thenError(AggregateNotFoundException.class);
    }
}
