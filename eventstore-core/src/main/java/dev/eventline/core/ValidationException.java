package dev.eventline.core;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A command or query was rejected because it is invalid: a validator found violations, or its JSON envelope was
 * malformed or missing fields. Nothing was written and no handler ran.
 * <p>
 * {@link #violations()} lists every problem found, not only the first, so a client can fix them all at once.
 * Retrying the same message cannot help: correct the listed fields and send it again.
 *
 * @since 0.1
 */
public final class ValidationException extends EventStoreException {

    private final String messageType;
    private final List<Violation> violations;

    /**
     * @param messageType the command or query type that was rejected
     * @param violations every problem found, at least one
     */
    public ValidationException(String messageType, List<Violation> violations) {
        this(messageType, violations, null);
    }

    /**
     * @param messageType the command or query type that was rejected
     * @param violations every problem found, at least one
     * @param cause the parse failure behind the violations, or null
     */
    public ValidationException(String messageType, List<Violation> violations, Throwable cause) {
        super(message(messageType, violations), cause);
        this.messageType = messageType;
        this.violations = List.copyOf(violations);
    }

    private static String message(String messageType, List<Violation> violations) {
        Objects.requireNonNull(messageType, "messageType");
        Objects.requireNonNull(violations, "violations");
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("violations must not be empty (messageType: " + messageType + ")");
        }
        return "'" + messageType + "' rejected by validation (" + violations.size() + " violation"
            + (violations.size() == 1 ? "" : "s") + ": "
            + violations.stream().map(Violation::toString).collect(Collectors.joining("; "))
            + "). Nothing was written. Correct the listed fields and send it again.";
    }

    /** @return the command or query type that was rejected */
    public String messageType() {
        return messageType;
    }

    /** @return every problem found, in the order the validators reported them; never empty */
    public List<Violation> violations() {
        return violations;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
