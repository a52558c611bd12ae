package dev.eventline.core.command;

import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.query.QueryContext;
import dev.eventline.core.query.QueryMiddleware;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Lets a command or query through only when it names a principal, names a tenant, and that principal belongs to
 * that tenant; denies everything else. It stops a forged tenant: a client cannot act for another tenant by
 * putting that tenant in the metadata.
 * <p>
 * The principal and the tenant come from {@link CommandMetadata} or {@link dev.eventline.core.query.QueryOptions};
 * which tenants a principal belongs to comes from the function given to {@link #of(Function)} (a directory, a
 * token's claims, a table). A denial throws {@link UnauthorizedException}: no handler runs and nothing is written.
 * Place it outermost among the checks, before {@link AuthorizationMiddleware} and {@link IdempotencyMiddleware},
 * so that a refused message is never remembered. It checks who may act for which tenant; to keep one tenant's
 * streams apart from another's, handlers scope their stream ids with {@link TenantStreams}.
 * <p>
 * Works on both buses. Thread-safety: immutable; as thread-safe as the function given.
 * <pre>{@code
 * var tenants = TenantIsolationMiddleware.of(principal -> directory.tenantsOf(principal));
 * CommandBus.builder().middleware(tenants, authorization, IdempotencyMiddleware.inMemory())
 * }</pre>
 *
 * @since 0.1
 */
public final class TenantIsolationMiddleware implements CommandMiddleware, QueryMiddleware {

    private final Function<String, ? extends Collection<String>> tenantsOf;

    private TenantIsolationMiddleware(Function<String, ? extends Collection<String>> tenantsOf) {
        this.tenantsOf = tenantsOf;
    }

    /**
     * @param tenantsOf the tenants a principal belongs to (never called with null; an empty collection or null
     *     means none)
     * @return the middleware
     */
    public static TenantIsolationMiddleware of(Function<String, ? extends Collection<String>> tenantsOf) {
        return new TenantIsolationMiddleware(Objects.requireNonNull(tenantsOf, "tenantsOf"));
    }

    /**
     * @param tenantOf the one tenant each principal belongs to (null: none)
     * @return the middleware for the common case of one tenant per principal
     */
    public static TenantIsolationMiddleware ofSingleTenant(Function<String, String> tenantOf) {
        Objects.requireNonNull(tenantOf, "tenantOf");
        return of(principal -> {
            var tenant = tenantOf.apply(principal);
            return tenant == null ? Set.of() : Set.of(tenant);
        });
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, CommandMiddleware.Next next) {
        check(context);
        return next.proceed(command, context);
    }

    @Override
    public Object handle(Object query, QueryContext context, QueryMiddleware.Next next) {
        check(context);
        return next.proceed(query, context);
    }

    private void check(MessageContext context) {
        var principal = context.principal();
        if (principal == null) {
            throw new UnauthorizedException(null, context.messageType(), "it names no principal, and tenant "
                + "isolation lets through only authenticated messages. Send it with the caller's principal.");
        }
        var tenant = context.tenant();
        if (tenant == null) {
            throw new UnauthorizedException(principal, context.messageType(), "it names no tenant, and tenant "
                + "isolation lets through only messages of one tenant. Send it with the caller's tenant.");
        }
        Collection<String> tenants = tenantsOf.apply(principal);
        if (tenants == null || !tenants.contains(tenant)) {
            throw new UnauthorizedException(principal, context.messageType(), "the principal does not belong to "
                + "tenant '" + tenant + "' (its tenants: " + (tenants == null ? "[]" : tenants) + "). Send it "
                + "with a tenant of the principal.");
        }
    }

    @Override
    public String toString() {
        return "TenantIsolationMiddleware";
    }
}
