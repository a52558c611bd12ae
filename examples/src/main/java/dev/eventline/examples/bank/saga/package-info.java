/**
 * The bank's transfer saga: withdraw from one account, deposit into the other, and refund the withdrawal when the
 * deposit is rejected (missing or closed account). {@link dev.eventline.examples.bank.saga.TransferSaga} is the
 * saga itself, {@link dev.eventline.examples.bank.saga.BankSagas} runs it against the bank's command service, and
 * {@link dev.eventline.examples.bank.saga.TransferSagaModule} serves {@code /api/v1/sagas}.
 */
package dev.eventline.examples.bank.saga;
