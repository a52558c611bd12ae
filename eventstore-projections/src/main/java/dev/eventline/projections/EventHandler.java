package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;

/**
 * Applies one event to a read model.
 * <p>
 * For JDBC read models, write through {@link ProjectionContext#connection()}: those writes and the projection's
 * checkpoint commit in one transaction, so each event's effects land exactly once even across crashes. Throwing
 * rolls the batch back; the runner then applies the projection's {@link ErrorPolicy}.
 * <p>
 * Thread-safety: the runner calls a projection's handlers from one thread at a time.
 * <pre>{@code
 * EventHandler deposit = (event, tx) -> {
 *     try (var update = tx.connection().prepareStatement("update balances set cents = cents + ? where id = ?")) { … }
 * };
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface EventHandler {

    /**
     * @param event the event to apply
     * @param context the projection's transaction: its connection and table names
     * @throws Exception when the event cannot be applied; nothing of the batch is committed
     */
    void handle(RecordedEvent event, ProjectionContext context) throws Exception;
}
