/**
 * Durable command deduplication: {@link dev.eventline.jdbc.command.JdbcIdempotencyStore} keeps handled command ids
 * and their results in a table, so {@link dev.eventline.core.command.IdempotencyMiddleware} deduplicates across
 * processes and restarts. Its table is created by its own migration folder through the module's schema migrator.
 */
package dev.eventline.jdbc.command;
