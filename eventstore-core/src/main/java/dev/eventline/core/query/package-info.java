/**
 * The query side of CQRS: {@link dev.eventline.core.query.QueryBus} dispatches query records (or JSON
 * {@link dev.eventline.core.query.QueryEnvelope}s) to one handler per type, each naming the read model it reads.
 * The bus caches answers for a TTL but never past an advance of their read model, and can wait for a read model
 * to reach a log position before answering (read-your-writes), using the host's
 * {@link dev.eventline.core.query.ReadModelProgress}.
 */
package dev.eventline.core.query;
