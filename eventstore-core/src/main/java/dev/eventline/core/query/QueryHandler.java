package dev.eventline.core.query;

/**
 * Answers one query type, usually from a read model.
 * <p>
 * Registered per query type with {@link QueryBus.Builder#handle(Class, String, QueryHandler)}, naming the read
 * model it reads so the bus can cache its answers and wait for that read model on request.
 * <p>
 * Thread-safety: the bus calls a handler from many threads at once; implementations must be thread-safe.
 * <pre>{@code
 * QueryHandler<GetBalance, Balance> balance = (query, context) -> balances.find(query.accountId());
 * }</pre>
 *
 * @param <Q> the query type
 * @param <R> the answer type
 * @since 0.1
 */
@FunctionalInterface
public interface QueryHandler<Q, R> {

    /**
     * @param query the query, already validated and authorized by the middleware
     * @param context the query's type name, read model and options
     * @return the answer (may be null when the query finds nothing; prefer an empty Optional or list)
     */
    R handle(Q query, QueryContext context);
}
