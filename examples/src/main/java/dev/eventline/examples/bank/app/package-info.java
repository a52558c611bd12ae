/**
 * The bank's application layer: it turns API requests into aggregate commands, raw appends, replays,
 * temporal reads and read-model queries, and wires them to Eventline's store, serializer and repositories.
 * <p>
 * The HTTP layer ({@link dev.eventline.examples.bank.http}) only parses and answers; everything that touches
 * the event store or the read models happens here.
 */
package dev.eventline.examples.bank.app;
