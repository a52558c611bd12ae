package dev.eventline.examples.bank.saga;

import dev.eventline.examples.bank.account.AccountCommand.DepositMoney;
import dev.eventline.examples.bank.account.AccountCommand.WithdrawMoney;
import dev.eventline.examples.bank.domain.Values;
import dev.eventline.saga.SagaType;
import java.math.BigDecimal;

/**
 * Moves money between two accounts: withdraw from the source, then deposit into the target. When the deposit is
 * rejected (the target does not exist or is closed), the withdrawal is compensated by a refund to the source.
 * <p>
 * This is the whole saga: the runner keeps its state, sends its commands with deterministic ids through the
 * bank's idempotent command service, and runs the compensation.
 */
public final class TransferSaga {

    /** The saga type's name, as the HTTP API's {@code saga_type}. */
    public static final String NAME = "TransferSaga";

    /**
     * A transfer: the starting data and, unchanged, the saga's state.
     *
     * @param fromAccount the account the money leaves
     * @param toAccount the account the money goes to
     * @param amount the amount, {@code > 0}, at most 2 decimals
     */
    public record Transfer(String fromAccount, String toAccount, BigDecimal amount) {
        /** Validates the transfer. */
        public Transfer {
            Values.requireId(fromAccount, "from_account");
            Values.requireId(toAccount, "to_account");
            amount = Values.requirePositiveAmount(amount, "amount");
            if (fromAccount.equals(toAccount)) {
                throw new IllegalArgumentException("to_account must differ from from_account (both: '" + fromAccount
                    + "')");
            }
        }
    }

    /** The saga type: register it with a {@link dev.eventline.saga.SagaRunner}. */
    public static final SagaType<Transfer> TYPE = SagaType.builder(NAME, Transfer.class)
        .startedBy(Transfer.class, (transfer, saga) -> {
            saga.send("withdraw", new WithdrawMoney(transfer.fromAccount(), transfer.amount(), transfer.toAccount()));
            return transfer;
        })
        .onStepCompleted("withdraw", (transfer, saga) -> {
            saga.send("deposit", new DepositMoney(transfer.toAccount(), transfer.amount(), transfer.fromAccount()));
            return transfer;
        })
        .onStepCompleted("deposit", (transfer, saga) -> {
            saga.complete();
            return transfer;
        })
        .compensation("withdraw", transfer ->
            new DepositMoney(transfer.fromAccount(), transfer.amount(), transfer.toAccount()))
        .build();

    private TransferSaga() {
    }
}
