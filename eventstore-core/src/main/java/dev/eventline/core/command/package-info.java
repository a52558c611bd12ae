/**
 * The command side of CQRS: {@link dev.eventline.core.command.CommandBus} dispatches command records (or JSON
 * {@link dev.eventline.core.command.CommandEnvelope}s) to one handler per type through an ordered chain of
 * {@link dev.eventline.core.command.CommandMiddleware}. Shipped middleware covers logging, validation,
 * authorization (deny by default), tenant isolation ({@link dev.eventline.core.command.TenantIsolationMiddleware},
 * with {@link dev.eventline.core.command.TenantStreams} for per-tenant stream ids), idempotency by command id
 * (optionally scoped by principal), retry on concurrency conflicts and metrics; the shared ones also fit the
 * {@link dev.eventline.core.query.QueryBus}.
 */
package dev.eventline.core.command;
