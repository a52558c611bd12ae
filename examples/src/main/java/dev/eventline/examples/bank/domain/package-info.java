/**
 * What the bank's aggregates share: the two domain failures (a refused business rule, an unknown aggregate) and
 * argument checks for ids, amounts and quantities.
 * <p>
 * Domain code in this example imports nothing from Eventline: the aggregates are plain records and functions,
 * wired to the library only in {@link dev.eventline.examples.bank.BankApp}.
 */
package dev.eventline.examples.bank.domain;
