package dev.eventline.examples.bank.order;

import dev.eventline.examples.bank.domain.Values;
import java.math.BigDecimal;

/**
 * One line of an order.
 *
 * @param productId the product
 * @param quantity how many, {@code >= 1}
 * @param unitPrice the price of one, {@code >= 0}, at most 2 decimals
 */
public record OrderItem(String productId, long quantity, BigDecimal unitPrice) {

    /** Validates the fields. */
    public OrderItem {
        Values.requireId(productId, "product_id");
        Values.requirePositiveQuantity(quantity, "quantity");
        unitPrice = Values.requireNonNegativeAmount(unitPrice, "unit_price");
    }

    /** @return quantity times unit price */
    public BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
