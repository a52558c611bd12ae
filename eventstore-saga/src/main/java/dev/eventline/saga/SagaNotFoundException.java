package dev.eventline.saga;

import dev.eventline.core.EventStoreException;

/**
 * An operation named a saga instance that does not exist (or a saga type that is not registered).
 *
 * @since 0.1
 */
public final class SagaNotFoundException extends EventStoreException {

    private final String sagaType;
    private final String sagaId;

    /**
     * @param sagaType the saga type named
     * @param sagaId the instance id named
     */
    public SagaNotFoundException(String sagaType, String sagaId) {
        super("Saga not found (type: '" + sagaType + "', id: '" + sagaId + "'). Check the id, and that the saga"
            + " type is registered with the runner.");
        this.sagaType = sagaType;
        this.sagaId = sagaId;
    }

    /** @return the saga type named */
    public String sagaType() {
        return sagaType;
    }

    /** @return the instance id named */
    public String sagaId() {
        return sagaId;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
