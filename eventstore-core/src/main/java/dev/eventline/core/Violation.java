package dev.eventline.core;

import java.util.Objects;

/**
 * One reason a command or query was rejected by validation: the field at fault and what is wrong with it.
 * <p>
 * {@code field} is a dotted path into the message ({@code "amount"}, {@code "address.city"}), or {@code "$"}
 * for the message as a whole.
 * <pre>{@code new Violation("amount", "must be positive (amount: -5)")}</pre>
 *
 * @param field the path of the offending field, or {@code "$"} for the whole message
 * @param message what is wrong and, where useful, the value in parentheses
 * @since 0.1
 */
public record Violation(String field, String message) {

    /** The {@link #field} used when a violation concerns the whole message. */
    public static final String WHOLE_MESSAGE = "$";

    /** Validates both parts. */
    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        if (field.isBlank()) {
            throw new IllegalArgumentException("field must not be blank; use \"$\" for the whole message");
        }
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
