/**
 * The bank's HTTP layer on Javalin: routes, strict JSON parsing with messages that name the field, and the mapping
 * of every failure to the contract's status and {@code {"error": {"code", "message"}}} body.
 * <p>
 * Nothing here touches the event store or the read models directly; it parses, calls the application layer
 * ({@link dev.eventline.examples.bank.app}) and answers.
 */
package dev.eventline.examples.bank.http;
