package dev.eventline.core.query;

import dev.eventline.core.LogPosition;
import java.time.Duration;
import java.util.Objects;

/**
 * How to answer a query: who asks (principal, tenant, correlation id), whether the answer must include a given
 * write (read-your-writes), and whether the cache may be used.
 * <p>
 * {@code consistentWith} is a global log position, typically
 * {@link dev.eventline.core.command.CommandResult#lastPosition()} of a command the caller just sent: the bus then waits, up to {@code consistencyTimeout}, until the read model
 * behind the query has processed that position, and fails with {@link ReadModelBehindException} otherwise.
 * <pre>{@code
 * var result = commandBus.send(new Deposit("a-1", TEN), metadata);
 * Balance balance = queryBus.ask(new GetBalance("a-1"),
 *     QueryOptions.consistentWith(result.lastPosition(), Duration.ofSeconds(2)).withPrincipal("ada"));
 * }</pre>
 *
 * @param principal who asks, or null
 * @param tenant the tenant asked about, or null
 * @param correlationId the id to log the query under, or null (one is generated)
 * @param consistentWith the log position the read model must have reached, or null for "any"
 * @param consistencyTimeout how long to wait for it; {@link Duration#ZERO} when {@code consistentWith} is null
 * @param useCache false to bypass the cache for this query (the answer is still stored)
 * @since 0.1
 */
public record QueryOptions(String principal, String tenant, String correlationId, LogPosition consistentWith,
                           Duration consistencyTimeout, boolean useCache) {

    private static final QueryOptions DEFAULTS = new QueryOptions(null, null, null, null, Duration.ZERO, true);

    /** Validates the consistency settings. */
    public QueryOptions {
        Objects.requireNonNull(consistencyTimeout, "consistencyTimeout");
        if (consistencyTimeout.isNegative()) {
            throw new IllegalArgumentException("consistencyTimeout must not be negative (consistencyTimeout: "
                + consistencyTimeout + ")");
        }
    }

    /** @return no principal, no consistency requirement, cache allowed */
    public static QueryOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param position the log position the read model must have reached (e.g. a command's last position)
     * @param timeout how long to wait for it
     * @return options requiring that position
     */
    public static QueryOptions consistentWith(LogPosition position, Duration timeout) {
        return DEFAULTS.withConsistency(position, timeout);
    }

    /**
     * @param position the log position the read model must have reached
     * @param timeout how long to wait for it
     * @return a copy requiring that position
     */
    public QueryOptions withConsistency(LogPosition position, Duration timeout) {
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(timeout, "timeout");
        return new QueryOptions(principal, tenant, correlationId, position, timeout, useCache);
    }

    /**
     * @param principal who asks, or null
     * @return a copy with that principal
     */
    public QueryOptions withPrincipal(String principal) {
        return new QueryOptions(principal, tenant, correlationId, consistentWith, consistencyTimeout, useCache);
    }

    /**
     * @param tenant the tenant, or null
     * @return a copy with that tenant
     */
    public QueryOptions withTenant(String tenant) {
        return new QueryOptions(principal, tenant, correlationId, consistentWith, consistencyTimeout, useCache);
    }

    /**
     * @param correlationId the correlation id, or null
     * @return a copy with that correlation id
     */
    public QueryOptions withCorrelationId(String correlationId) {
        return new QueryOptions(principal, tenant, correlationId, consistentWith, consistencyTimeout, useCache);
    }

    /** @return a copy that bypasses the cache (the fresh answer is still cached for later queries) */
    public QueryOptions withoutCache() {
        return new QueryOptions(principal, tenant, correlationId, consistentWith, consistencyTimeout, false);
    }
}
