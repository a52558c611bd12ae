/**
 * The bank's four read models ({@code account_balance}, {@code order_summary}, {@code inventory},
 * {@code user_activity}) on JDBC tables, run as Eventline projections.
 * <p>
 * Handlers write through the projection's transaction, so rows and checkpoint commit together; table names are
 * resolved through the projection context, so a shadow rebuild fills a fresh copy while queries keep reading the
 * live tables.
 */
package dev.eventline.examples.bank.readmodel;
