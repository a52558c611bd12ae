package dev.eventline.examples.bank.account;

import java.math.BigDecimal;

/**
 * What happened to an account. Stored under the type names in {@link Account#EVENT_TYPES}.
 * <p>
 * Deposits and withdrawals carry the balance after them, so that read models never recompute money.
 */
public sealed interface AccountEvent {

    /** @return the account the event belongs to */
    String accountId();

    /**
     * @param accountId the account
     * @param owner the owner's name
     * @param openingBalance the balance the account opened with
     */
    record AccountCreated(String accountId, String owner, BigDecimal openingBalance) implements AccountEvent {
    }

    /**
     * @param accountId the account
     * @param amount the amount put on it
     * @param balanceAfter the balance afterwards
     * @param relatedAccount the other account of a transfer, or null
     */
    record MoneyDeposited(String accountId, BigDecimal amount, BigDecimal balanceAfter, String relatedAccount)
        implements AccountEvent {
    }

    /**
     * @param accountId the account
     * @param amount the amount taken from it
     * @param balanceAfter the balance afterwards
     * @param relatedAccount the other account of a transfer, or null
     */
    record MoneyWithdrawn(String accountId, BigDecimal amount, BigDecimal balanceAfter, String relatedAccount)
        implements AccountEvent {
    }

    /**
     * @param accountId the account
     * @param finalBalance the balance frozen on it
     */
    record AccountClosed(String accountId, BigDecimal finalBalance) implements AccountEvent {
    }
}
