/**
 * The inventory aggregate of the bank example: its commands, its events (a sealed interface of records) and a decider
 * over them ({@code decide(command, state)} and {@code evolve(state, event)}, both pure).
 * <p>
 * Nothing here imports Eventline; {@link dev.eventline.examples.bank.BankApp} registers the event type names and
 * wires the decider to a repository.
 */
package dev.eventline.examples.bank.inventory;
