package dev.eventline.examples.bank.readmodel;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eventline.core.RecordedEvent;
import dev.eventline.examples.bank.account.AccountEvent.AccountClosed;
import dev.eventline.examples.bank.account.AccountEvent.AccountCreated;
import dev.eventline.examples.bank.account.AccountEvent.MoneyDeposited;
import dev.eventline.examples.bank.account.AccountEvent.MoneyWithdrawn;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code account_balance} read model: each account's balance and status, and its transaction history
 * (opening balance, deposits, withdrawals), with the other account of each transfer.
 */
public final class AccountBalanceModel implements ReadModel {

    /** The model's name. */
    public static final String NAME = "account_balance";

    /**
     * An account as {@code GetAccountBalance} answers it.
     *
     * @param accountId the account
     * @param owner the owner
     * @param balance the balance
     * @param status {@code OPEN} or {@code CLOSED}
     * @param transactionCount how many money movements (opening included)
     */
    public record Balance(String accountId, String owner, BigDecimal balance, String status,
                          long transactionCount) {
    }

    /**
     * One line of {@code GetTransactionHistory}.
     *
     * @param type {@code opening}, {@code deposit} or {@code withdrawal}
     * @param amount the amount moved
     * @param balanceAfter the balance afterwards
     * @param timestamp when it was recorded
     * @param relatedAccount the other account of a transfer, absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Transaction(String type, BigDecimal amount, BigDecimal balanceAfter, Instant timestamp,
                              String relatedAccount) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("accounts", "transactions");
    }

    @Override
    public List<String> createStatements(Tables t) {
        return List.of(
            "CREATE TABLE IF NOT EXISTS " + t.name("accounts") + " (account_id VARCHAR(200) PRIMARY KEY, "
                + "owner VARCHAR(200) NOT NULL, balance DECIMAL(20,2) NOT NULL, status VARCHAR(10) NOT NULL, "
                + "transaction_count BIGINT NOT NULL, updated_at " + Sql.timestampType() + " NOT NULL)",
            "CREATE TABLE IF NOT EXISTS " + t.name("transactions") + " (account_id VARCHAR(200) NOT NULL, "
                + "version BIGINT NOT NULL, type VARCHAR(20) NOT NULL, amount DECIMAL(20,2) NOT NULL, "
                + "balance_after DECIMAL(20,2) NOT NULL, related_account VARCHAR(200), recorded_at "
                + Sql.timestampType() + " NOT NULL, PRIMARY KEY (account_id, version))");
    }

    @Override
    public void apply(Connection c, Tables t, RecordedEvent recorded, Object event) throws SQLException {
        Instant at = recorded.recordedAt();
        if (event instanceof AccountCreated created) {
            Sql.update(c, "INSERT INTO " + t.name("accounts") + " (account_id, owner, balance, status, "
                + "transaction_count, updated_at) VALUES (?, ?, ?, 'OPEN', 1, ?)", created.accountId(),
                created.owner(), created.openingBalance(), at);
            insertTransaction(c, t, recorded, created.accountId(), "opening", created.openingBalance(),
                created.openingBalance(), null);
        } else if (event instanceof MoneyDeposited deposited) {
            moveMoney(c, t, recorded, "deposit", deposited.accountId(), deposited.amount(),
                deposited.balanceAfter(), deposited.relatedAccount());
        } else if (event instanceof MoneyWithdrawn withdrawn) {
            moveMoney(c, t, recorded, "withdrawal", withdrawn.accountId(), withdrawn.amount(),
                withdrawn.balanceAfter(), withdrawn.relatedAccount());
        } else if (event instanceof AccountClosed closed) {
            Sql.update(c, "UPDATE " + t.name("accounts") + " SET status = 'CLOSED', updated_at = ? "
                + "WHERE account_id = ?", at, closed.accountId());
        }
    }

    private static void moveMoney(Connection c, Tables t, RecordedEvent recorded, String type, String accountId,
                                  BigDecimal amount, BigDecimal balanceAfter, String related) throws SQLException {
        Sql.update(c, "UPDATE " + t.name("accounts") + " SET balance = ?, transaction_count = transaction_count + 1,"
            + " updated_at = ? WHERE account_id = ?", balanceAfter, recorded.recordedAt(), accountId);
        insertTransaction(c, t, recorded, accountId, type, amount, balanceAfter, related);
    }

    private static void insertTransaction(Connection c, Tables t, RecordedEvent recorded, String accountId,
                                          String type,
                                          BigDecimal amount, BigDecimal balanceAfter, String related)
        throws SQLException {
        Sql.update(c, "INSERT INTO " + t.name("transactions") + " (account_id, version, type, amount, balance_after,"
            + " related_account, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", accountId,
            recorded.version(), type, amount, balanceAfter, related, recorded.recordedAt());
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param accountId the account
     * @return the account, empty when the read model does not know it
     * @throws SQLException when the database fails
     */
    public static Optional<Balance> balance(Connection c, Tables t, String accountId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT account_id, owner, balance, status, "
            + "transaction_count FROM " + t.name("accounts") + " WHERE account_id = ?")) {
            statement.setString(1, accountId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Balance(rows.getString(1), rows.getString(2), rows.getBigDecimal(3),
                    rows.getString(4), rows.getLong(5)));
            }
        }
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param accountId the account
     * @return the account's money movements, oldest first (empty when unknown)
     * @throws SQLException when the database fails
     */
    public static List<Transaction> history(Connection c, Tables t, String accountId) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement("SELECT type, amount, balance_after, recorded_at, "
            + "related_account FROM " + t.name("transactions") + " WHERE account_id = ? ORDER BY version")) {
            statement.setString(1, accountId);
            try (ResultSet rows = statement.executeQuery()) {
                var result = new ArrayList<Transaction>();
                while (rows.next()) {
                    result.add(new Transaction(rows.getString("type"), rows.getBigDecimal("amount"),
                        rows.getBigDecimal("balance_after"), Sql.instant(rows, "recorded_at"),
                        rows.getString("related_account")));
                }
                return result;
            }
        }
    }
}
