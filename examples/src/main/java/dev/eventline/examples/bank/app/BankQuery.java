package dev.eventline.examples.bank.app;

import java.time.LocalDate;

/**
 * The bank's queries as records, the form the {@link dev.eventline.core.query.QueryBus} dispatches and caches
 * (by {@code equals}).
 */
public sealed interface BankQuery {

    /** @param accountId the account */
    record GetAccountBalance(String accountId) implements BankQuery {
    }

    /** @param accountId the account */
    record GetTransactionHistory(String accountId) implements BankQuery {
    }

    /** @param orderId the order */
    record GetOrderSummary(String orderId) implements BankQuery {
    }

    /** @param customerId the customer */
    record GetCustomerOrders(String customerId) implements BankQuery {
    }

    /** @param productId the product */
    record GetProductOrders(String productId) implements BankQuery {
    }

    /** @param date the UTC day */
    record GetDailyOrderStats(LocalDate date) implements BankQuery {
    }

    /** @param productId the product */
    record GetStockLevel(String productId) implements BankQuery {
    }

    /** Every product at or below its low-stock threshold. */
    record GetLowStockAlerts() implements BankQuery {
    }

    /** @param productId the product */
    record GetStockMovements(String productId) implements BankQuery {
    }

    /** @param userId the user */
    record GetUserActivity(String userId) implements BankQuery {
    }
}
