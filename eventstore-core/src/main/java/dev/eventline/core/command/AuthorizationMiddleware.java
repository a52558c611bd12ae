package dev.eventline.core.command;

import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.query.QueryContext;
import dev.eventline.core.query.QueryMiddleware;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Lets a command or query through only when a policy for its type allows its principal; denies by default.
 * <p>
 * The principal comes from {@link CommandMetadata#principal()} or
 * {@link dev.eventline.core.query.QueryOptions#principal()}. Every {@link AuthorizationPolicy} registered for the message's type or a supertype must allow it; a type with no
 * policy at all is denied, so a newly added command is never open by accident. A denial throws
 * {@link UnauthorizedException}: no handler runs and nothing is written.
 * <p>
 * It judges the principal, not the tenant or the command id: with tenants, put a {@link TenantIsolationMiddleware}
 * before it (the principal must belong to the message's tenant) and scope stream ids with {@link TenantStreams};
 * with sagas (whose command ids are deterministic), put a {@link CommandIdScopeMiddleware} before the idempotency
 * middleware, so that an outside caller reusing a saga's command id sends only its own command, judged here.
 * <p>
 * Works on both buses. Thread-safety: immutable after {@link Builder#build()} and safe for concurrent use.
 * <pre>{@code
 * var authorization = AuthorizationMiddleware.builder()
 *     .allow(OpenAccount.class, AuthorizationPolicy.authenticated())
 *     .allow(CloseAccount.class, AuthorizationPolicy.principals("admin"))
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class AuthorizationMiddleware implements CommandMiddleware, QueryMiddleware {

    private record Rule(Class<?> type, AuthorizationPolicy<Object> policy) {
    }

    private final List<Rule> rules;

    private AuthorizationMiddleware(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** @return a builder with no policies (everything is denied) */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, CommandMiddleware.Next next) {
        authorize(command, context);
        return next.proceed(command, context);
    }

    @Override
    public Object handle(Object query, QueryContext context, QueryMiddleware.Next next) {
        authorize(query, context);
        return next.proceed(query, context);
    }

    private void authorize(Object message, MessageContext context) {
        boolean matched = false;
        for (var rule : rules) {
            if (rule.type().isInstance(message)) {
                matched = true;
                if (!rule.policy().allows(context.principal(), message, context)) {
                    throw new UnauthorizedException(context.principal(), context.messageType(), "the policy for "
                        + rule.type().getSimpleName() + " does not allow it. Send it as a principal the policy "
                        + "allows.");
                }
            }
        }
        if (!matched) {
            throw new UnauthorizedException(context.principal(), context.messageType(), "no authorization policy "
                + "covers this type, and authorization denies by default. Add one with "
                + "AuthorizationMiddleware.builder().allow(" + message.getClass().getSimpleName()
                + ".class, policy).");
        }
    }

    /**
     * Collects policies per type.
     * <p>
     * Thread-safety: not thread-safe.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final List<Rule> rules = new ArrayList<>();

        private Builder() {
        }

        /**
         * @param type the command or query type (a policy of a supertype applies to its subtypes)
         * @param policy who may send it
         * @param <M> the message type
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public <M> Builder allow(Class<M> type, AuthorizationPolicy<? super M> policy) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(policy, "policy");
            rules.add(new Rule(type, (AuthorizationPolicy<Object>) policy));
            return this;
        }

        /** @return the immutable middleware */
        public AuthorizationMiddleware build() {
            return new AuthorizationMiddleware(rules);
        }
    }
}
