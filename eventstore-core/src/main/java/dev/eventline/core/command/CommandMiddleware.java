package dev.eventline.core.command;

/**
 * A step around command dispatch: it sees each command before the handler and the result (or failure) after.
 * <p>
 * Middleware is registered in order with {@link CommandBus.Builder#middleware(CommandMiddleware...)}; the first
 * one registered is the outermost: it runs first and sees the final outcome. A middleware calls
 * {@code next.proceed(command, context)} to go on, or throws to stop the dispatch (then no later middleware and
 * no handler runs). Eventline ships {@link LoggingMiddleware}, {@link ValidationMiddleware},
 * {@link AuthorizationMiddleware}, {@link IdempotencyMiddleware}, {@link RetryMiddleware} and
 * {@link MetricsMiddleware}; the recommended order is logging, metrics, authorization, validation, idempotency,
 * retry.
 * <p>
 * Thread-safety: a middleware is called from many threads at once; implementations must be thread-safe.
 * <pre>{@code
 * CommandMiddleware tenantGuard = (command, context, next) -> {
 *     if (context.tenant() == null) throw new IllegalArgumentException("tenant is required");
 *     return next.proceed(command, context);
 * };
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface CommandMiddleware {

    /**
     * @param command the command being dispatched
     * @param context its type name, id and metadata
     * @param next the rest of the chain (later middleware, then the handler)
     * @return the result of the dispatch
     */
    CommandResult handle(Object command, CommandContext context, Next next);

    /**
     * The rest of a command dispatch chain.
     *
     * @since 0.1
     */
    @FunctionalInterface
    interface Next {
        /**
         * @param command the command to pass on (usually the one received)
         * @param context the context to pass on (usually the one received)
         * @return the result of the rest of the chain
         */
        CommandResult proceed(Object command, CommandContext context);
    }
}
