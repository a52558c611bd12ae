package dev.eventline.core.command;

import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.query.QueryContext;
import dev.eventline.core.query.QueryMiddleware;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Rejects invalid commands and queries before they reach their handler, listing every violation.
 * <p>
 * Every {@link CommandValidator} registered for the message's type or a supertype runs, in registration order;
 * if any reports a violation the dispatch stops with a {@link ValidationException} carrying all of them, so no
 * handler runs and nothing is written. Types without validators pass.
 * <p>
 * Works on both buses. Thread-safety: immutable after {@link Builder#build()} and safe for concurrent use.
 * <pre>{@code
 * var validation = ValidationMiddleware.builder()
 *     .validate(Deposit.class, d -> d.amount().signum() > 0 ? List.of()
 *         : List.of(new Violation("amount", "must be positive (amount: " + d.amount() + ")")))
 *     .build();
 * }</pre>
 *
 * @since 0.1
 */
public final class ValidationMiddleware implements CommandMiddleware, QueryMiddleware {

    private record Rule(Class<?> type, CommandValidator<Object> validator) {
    }

    private final List<Rule> rules;

    private ValidationMiddleware(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** @return a builder with no validators */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, CommandMiddleware.Next next) {
        check(command, context);
        return next.proceed(command, context);
    }

    @Override
    public Object handle(Object query, QueryContext context, QueryMiddleware.Next next) {
        check(query, context);
        return next.proceed(query, context);
    }

    /**
     * @param message a command or query
     * @return every violation the matching validators report, empty when valid
     */
    public List<Violation> violationsOf(Object message) {
        Objects.requireNonNull(message, "message");
        var violations = new ArrayList<Violation>();
        for (var rule : rules) {
            if (rule.type().isInstance(message)) {
                var found = rule.validator().validate(message);
                if (found == null) {
                    throw new IllegalStateException("A validator of " + rule.type().getName() + " returned null. "
                        + "Return an empty list when the message is valid.");
                }
                violations.addAll(found);
            }
        }
        return violations;
    }

    private void check(Object message, MessageContext context) {
        var violations = violationsOf(message);
        if (!violations.isEmpty()) {
            throw new ValidationException(context.messageType(), violations);
        }
    }

    /**
     * Collects validators per type.
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
         * @param type the command or query type (validators of a supertype apply to its subtypes)
         * @param validator checks messages of that type
         * @param <M> the message type
         * @return this builder
         */
        @SuppressWarnings("unchecked")
        public <M> Builder validate(Class<M> type, CommandValidator<? super M> validator) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(validator, "validator");
            rules.add(new Rule(type, (CommandValidator<Object>) validator));
            return this;
        }

        /** @return the immutable middleware */
        public ValidationMiddleware build() {
            return new ValidationMiddleware(rules);
        }
    }
}
