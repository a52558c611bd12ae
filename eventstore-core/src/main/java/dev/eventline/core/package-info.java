/**
 * The event store API: appending events to streams with optimistic concurrency, reading streams and the global
 * log, and the exception hierarchy rooted at {@link dev.eventline.core.EventStoreException}. Start with
 * {@link dev.eventline.core.EventStore#inMemory()} or a JDBC store from {@code eventstore-jdbc}.
 */
package dev.eventline.core;
