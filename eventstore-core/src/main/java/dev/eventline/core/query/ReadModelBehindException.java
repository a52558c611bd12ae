package dev.eventline.core.query;

import dev.eventline.core.EventStoreException;
import dev.eventline.core.LogPosition;
import java.time.Duration;

/**
 * A query asked to be answered only once its read model had reached a log position, and the read model did not
 * get there within the timeout. No answer was given.
 * <p>
 * Retryable: the read model is usually just catching up. Retry after a moment, give a longer timeout, or check
 * that the projection feeding the read model is running (its status and lag).
 *
 * @since 0.1
 */
public final class ReadModelBehindException extends EventStoreException {

    private final String readModel;
    private final LogPosition required;
    private final LogPosition reached;
    private final Duration timeout;

    /**
     * @param readModel the read model waited for
     * @param required the position the query required
     * @param reached the position the read model had reached
     * @param timeout how long the bus waited
     * @param cause why the wait ended early (an interrupt), or null
     */
    public ReadModelBehindException(String readModel, LogPosition required, LogPosition reached, Duration timeout,
                                    Throwable cause) {
        super("Read model '" + readModel + "' did not reach log position " + required + " within " + timeout
            + " (reached: " + reached + (cause == null ? "" : ", wait interrupted") + "). Retry shortly or with a "
            + "longer timeout, and check that the projection feeding '" + readModel + "' is running.", cause);
        this.readModel = readModel;
        this.required = required;
        this.reached = reached;
        this.timeout = timeout;
    }

    /** @return the read model waited for */
    public String readModel() {
        return readModel;
    }

    /** @return the position the query required */
    public LogPosition required() {
        return required;
    }

    /** @return the position the read model had reached when the wait ended */
    public LogPosition reached() {
        return reached;
    }

    /** @return how long the bus waited */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
