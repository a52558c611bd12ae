package dev.eventline.core.command;

import dev.eventline.core.Violation;
import java.util.List;

/**
 * Checks a command (or a query) and lists everything wrong with it.
 * <p>
 * Registered per type in a {@link ValidationMiddleware}; every validator matching a message runs, and all their
 * violations are reported together. Return an empty list when the message is valid; never null.
 * <p>
 * Thread-safety: called from many threads at once; implementations must be thread-safe (pure functions are).
 * <pre>{@code
 * CommandValidator<Deposit> positive = deposit -> deposit.amount().signum() > 0 ? List.of()
 *     : List.of(new Violation("amount", "must be positive (amount: " + deposit.amount() + ")"));
 * }</pre>
 *
 * @param <C> the command (or query) type
 * @since 0.1
 */
@FunctionalInterface
public interface CommandValidator<C> {

    /**
     * @param message the command or query
     * @return every violation found, empty when valid
     */
    List<Violation> validate(C message);
}
