/**
 * The Eventline bank example: a runnable application ({@link dev.eventline.examples.bank.BankApp}) that wires the
 * library in plain code and serves the HTTP API of the original brief.
 * <p>
 * {@link dev.eventline.examples.bank.BankApp#start} is the one place where everything is put together; the
 * sub-packages hold the domain (one per aggregate), the application layer, the read models and the HTTP layer.
 */
package dev.eventline.examples.bank;
