package dev.eventline.core.query;

/**
 * A step around query dispatch: it sees each query before the handler and the answer (or failure) after.
 * <p>
 * Registered in order with {@link QueryBus.Builder#middleware(QueryMiddleware...)}; the first registered is the
 * outermost. The cache and the wait for consistency sit inside the chain, just around the handler, so
 * authorization and validation run for cached answers too. The command package's
 * {@link dev.eventline.core.command.LoggingMiddleware}, {@link dev.eventline.core.command.ValidationMiddleware},
 * {@link dev.eventline.core.command.AuthorizationMiddleware} and
 * {@link dev.eventline.core.command.MetricsMiddleware} also implement this interface.
 * <p>
 * Thread-safety: called from many threads at once; implementations must be thread-safe.
 *
 * @since 0.1
 */
@FunctionalInterface
public interface QueryMiddleware {

    /**
     * @param query the query being dispatched
     * @param context its type name, read model and options
     * @param next the rest of the chain
     * @return the answer
     */
    Object handle(Object query, QueryContext context, Next next);

    /**
     * The rest of a query dispatch chain.
     *
     * @since 0.1
     */
    @FunctionalInterface
    interface Next {
        /**
         * @param query the query to pass on
         * @param context the context to pass on
         * @return the answer of the rest of the chain
         */
        Object proceed(Object query, QueryContext context);
    }
}
