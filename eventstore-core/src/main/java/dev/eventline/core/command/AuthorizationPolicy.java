package dev.eventline.core.command;

import java.util.Objects;
import java.util.Set;

/**
 * Decides whether a principal may send a command (or ask a query) of one type.
 * <p>
 * Registered per type in an {@link AuthorizationMiddleware}, which denies every type that has no policy.
 * <p>
 * Thread-safety: called from many threads at once; implementations must be thread-safe.
 * <pre>{@code
 * AuthorizationPolicy<Withdraw> ownerOnly = (principal, withdraw, context) ->
 *     principal != null && accounts.ownerOf(withdraw.accountId()).equals(principal);
 * }</pre>
 *
 * @param <M> the command or query type
 * @since 0.1
 */
@FunctionalInterface
public interface AuthorizationPolicy<M> {

    /**
     * @param principal who sends the message, or null when it carries none
     * @param message the command or query
     * @param context its type, tenant and correlation id
     * @return true to let it through
     */
    boolean allows(String principal, M message, MessageContext context);

    /** @return a policy that lets any principal through, and messages without one */
    static AuthorizationPolicy<Object> anyone() {
        return (principal, message, context) -> true;
    }

    /** @return a policy that lets through any message that names a principal */
    static AuthorizationPolicy<Object> authenticated() {
        return (principal, message, context) -> principal != null;
    }

    /**
     * @param principals the principals allowed
     * @return a policy that lets through only those principals
     */
    static AuthorizationPolicy<Object> principals(String... principals) {
        Objects.requireNonNull(principals, "principals");
        var allowed = Set.of(principals);
        return (principal, message, context) -> principal != null && allowed.contains(principal);
    }
}
