package dev.eventline.core.metrics;

import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.query.ReadModelBehindException;

/**
 * How a command or query dispatch ended, as a metrics tag. A small closed set keeps tag cardinality low.
 *
 * @since 0.1
 */
public enum Outcome {
    /** The handler returned normally. */
    SUCCESS,
    /** Validation rejected the message ({@link ValidationException}). */
    INVALID,
    /** Authorization denied the message ({@link UnauthorizedException}). */
    UNAUTHORIZED,
    /** A concurrency conflict, or a read model that did not catch up in time: retrying may succeed. */
    CONFLICT,
    /** Any other failure. */
    FAILED;

    /**
     * @param failure what the dispatch threw
     * @return the outcome that describes it
     */
    public static Outcome of(Throwable failure) {
        if (failure instanceof ValidationException) {
            return INVALID;
        }
        if (failure instanceof UnauthorizedException) {
            return UNAUTHORIZED;
        }
        if (failure instanceof ConcurrencyConflictException || failure instanceof ReadModelBehindException) {
            return CONFLICT;
        }
        return FAILED;
    }

    /** @return the tag value: the name in lower case */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
