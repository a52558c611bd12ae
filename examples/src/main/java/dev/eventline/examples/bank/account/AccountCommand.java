package dev.eventline.examples.bank.account;

import dev.eventline.examples.bank.domain.Values;
import java.math.BigDecimal;

/**
 * The commands an account accepts.
 * <p>
 * Each record checks its own arguments; {@code relatedAccount} (optional, may be null) names the other account of
 * a transfer, so that the transaction history can show it.
 */
public sealed interface AccountCommand {

    /** @return the account the command is for */
    String accountId();

    /**
     * Opens an account with an opening balance.
     *
     * @param accountId the new account's id
     * @param owner the owner's name
     * @param initialBalance the opening balance, {@code >= 0}, at most 2 decimals
     */
    record CreateAccount(String accountId, String owner, BigDecimal initialBalance) implements AccountCommand {
        /** Validates the arguments. */
        public CreateAccount {
            Values.requireId(accountId, "account_id");
            Values.requireText(owner, "owner", 200);
            initialBalance = Values.requireNonNegativeAmount(initialBalance, "initial_balance");
        }
    }

    /**
     * Puts money on an open account.
     *
     * @param accountId the account
     * @param amount the amount, {@code > 0}, at most 2 decimals
     * @param relatedAccount the other account of a transfer, or null
     */
    record DepositMoney(String accountId, BigDecimal amount, String relatedAccount) implements AccountCommand {
        /** Validates the arguments. */
        public DepositMoney {
            Values.requireId(accountId, "account_id");
            amount = Values.requirePositiveAmount(amount, "amount");
        }

        /**
         * @param accountId the account
         * @param amount the amount
         */
        public DepositMoney(String accountId, BigDecimal amount) {
            this(accountId, amount, null);
        }
    }

    /**
     * Takes money from an open account; never below zero.
     *
     * @param accountId the account
     * @param amount the amount, {@code > 0}, at most 2 decimals
     * @param relatedAccount the other account of a transfer, or null
     */
    record WithdrawMoney(String accountId, BigDecimal amount, String relatedAccount) implements AccountCommand {
        /** Validates the arguments. */
        public WithdrawMoney {
            Values.requireId(accountId, "account_id");
            amount = Values.requirePositiveAmount(amount, "amount");
        }

        /**
         * @param accountId the account
         * @param amount the amount
         */
        public WithdrawMoney(String accountId, BigDecimal amount) {
            this(accountId, amount, null);
        }
    }

    /**
     * Closes an open account; its balance stays frozen on it.
     *
     * @param accountId the account
     */
    record CloseAccount(String accountId) implements AccountCommand {
        /** Validates the argument. */
        public CloseAccount {
            Values.requireId(accountId, "account_id");
        }
    }
}
