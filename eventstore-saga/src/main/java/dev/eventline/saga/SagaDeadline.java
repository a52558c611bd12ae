package dev.eventline.saga;

import java.time.Instant;
import java.util.Objects;

/**
 * A deadline a saga instance is waiting for.
 *
 * @param name the deadline's name, unique within its instance
 * @param due when it passes
 * @since 0.1
 */
public record SagaDeadline(String name, Instant due) {

    /** Checks that nothing is null. */
    public SagaDeadline {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(due, "due");
    }
}
