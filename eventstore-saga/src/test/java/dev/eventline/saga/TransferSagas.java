package dev.eventline.saga;

import java.time.Duration;

/** The saga types the tests run: a transfer, and a transfer that waits for an approval event. */
final class TransferSagas {

    record Transfer(String from, String to, long amount) {
    }

    record TransferRequested(String transferId, String from, String to, long amount) {
    }

    record TransferApproved(String transferId) {
    }

    static final Duration TIMEOUT = Duration.ofMinutes(1);
    static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(5);

    /** Withdraw, then deposit; a failed deposit is compensated by a refund. The whole saga class: 12 lines. */
    static final SagaType<Transfer> TRANSFER = transfer(TIMEOUT);

    /** @param timeout when an unfinished transfer gives up and refunds */
    static SagaType<Transfer> transfer(Duration timeout) {
        return SagaType.builder("TransferSaga", Transfer.class)
            .startedBy(Transfer.class, (transfer, saga) -> {
                saga.send("withdraw", new TestBank.Withdraw(transfer.from(), transfer.amount()));
                saga.scheduleDeadline("timeout", timeout);
                return transfer;
            })
            .onStepCompleted("withdraw", (transfer, saga) -> {
                saga.send("deposit", new TestBank.Deposit(transfer.to(), transfer.amount()));
                return transfer;
            })
            .onStepCompleted("deposit", (transfer, saga) -> {
                saga.complete();
                return transfer;
            })
            .compensation("withdraw", transfer -> new TestBank.Deposit(transfer.from(), transfer.amount()))
            .build();
    }

    /** Started by an event; after the withdrawal it waits for an approval event, or times out and refunds. */
    static final SagaType<TransferRequested> APPROVED_TRANSFER =
        SagaType.builder("ApprovedTransfer", TransferRequested.class)
            .startedBy("TransferRequested", TransferRequested.class, TransferRequested::transferId,
                (request, saga) -> {
                    saga.send("withdraw", new TestBank.Withdraw(request.from(), request.amount()));
                    return request;
                })
            .onStepCompleted("withdraw", (request, saga) -> {
                saga.scheduleDeadline("approval", APPROVAL_TIMEOUT);
                return request;
            })
            .on("TransferApproved", TransferApproved.class, TransferApproved::transferId, (request, event, saga) -> {
                saga.cancelDeadline("approval");
                saga.send("deposit", new TestBank.Deposit(request.to(), request.amount()));
                return request;
            })
            .onStepCompleted("deposit", (request, saga) -> {
                saga.complete();
                return request;
            })
            .compensation("withdraw", request -> new TestBank.Deposit(request.from(), request.amount()))
            .build();

    private TransferSagas() {
    }
}
