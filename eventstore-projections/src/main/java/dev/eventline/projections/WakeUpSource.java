package dev.eventline.projections;

/**
 * Something that announces new events, so a {@link ProjectionRunner} reads the log at once instead of at its next
 * poll: on PostgreSQL, {@code dev.eventline.jdbc.PostgresNotifications::subscribe} (LISTEN/NOTIFY). Announcements
 * are hints; the runner keeps polling, so a source that misses some (a dropped connection) only adds latency.
 * <p>
 * Implementations must be thread-safe; {@code wake} is cheap and non-blocking and may be called from any thread.
 * <pre>{@code
 * try (var notifications = PostgresNotifications.builder(dataSource).build()) {
 *     notifications.start();
 *     ProjectionRunner runner = ProjectionRunner.builder(store)
 *         .wakeUpSource(notifications::subscribe)
 *         .register(balances)
 *         .build();
 * }
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface WakeUpSource {

    /**
     * Registers a callback for new events.
     *
     * @param wake to call whenever new events may be readable
     * @return closing it unregisters the callback; the runner closes it in its own {@code close()}
     * @throws Exception when the subscription cannot be made
     */
    AutoCloseable subscribe(Runnable wake) throws Exception;
}
