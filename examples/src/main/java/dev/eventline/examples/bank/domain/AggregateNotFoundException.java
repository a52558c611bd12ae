package dev.eventline.examples.bank.domain;

import java.util.Objects;

/**
 * A command named an aggregate that does not exist (a deposit to an account never created, shipping an order
 * never placed).
 * <p>
 * Deciders throw it and nothing is appended. The HTTP layer answers 404.
 */
public final class AggregateNotFoundException extends RuntimeException {

    private final String aggregateId;

    /**
     * @param kind what kind of aggregate, e.g. {@code account}
     * @param aggregateId the id that was not found
     */
    public AggregateNotFoundException(String kind, String aggregateId) {
        super("No " + kind + " with id '" + aggregateId + "' exists (" + kind + "_id: " + aggregateId
            + "). Create it first or check the id.");
        this.aggregateId = Objects.requireNonNull(aggregateId, "aggregateId");
    }

    /** @return the id that was not found */
    public String aggregateId() {
        return aggregateId;
    }
}
