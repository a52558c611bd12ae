package dev.eventline.core.query;

import dev.eventline.core.LogPosition;

/**
 * Tells the {@link QueryBus} how far each read model has processed the global log: its checkpoint.
 * <p>
 * The host passes one, typically backed by its projection runner. The bus uses it to keep cached answers no
 * staler than their read model, and to wait for a read model to reach a position (read-your-writes).
 * <p>
 * Thread-safety: called from many threads at once; must be thread-safe and quick (it is called on every cached
 * lookup).
 * <pre>{@code
 * ReadModelProgress progress = readModel -> runner.status(readModel).checkpoint();
 * }</pre>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface ReadModelProgress {

    /**
     * @param readModel a read model name declared at registration
     * @return the log position of the last event the read model has processed, {@link LogPosition#START} when
     *     none
     */
    LogPosition position(String readModel);
}
