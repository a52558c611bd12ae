package dev.eventline.examples.bank.domain;

import java.util.Objects;

/**
 * A command was well formed but the aggregate's rules refuse it: insufficient funds, account already exists,
 * account closed, not enough stock…
 * <p>
 * Deciders throw it and nothing is appended. The HTTP layer answers 422 with {@link #code()} as the error code.
 * It is a plain {@link RuntimeException}, not an Eventline exception: domain code imports nothing from the
 * library.
 */
public final class BusinessRuleException extends RuntimeException {

    private final String code;

    /**
     * @param code a stable, snake_case error code, e.g. {@code insufficient_funds}
     * @param message what was refused, the values in parentheses, and what to do
     */
    public BusinessRuleException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** @return the stable, snake_case error code */
    public String code() {
        return code;
    }
}
