package dev.eventline.core.query;

import dev.eventline.core.LogPosition;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Tells the {@link QueryBus} how far each read model has processed the global log: its checkpoint.
 * <p>
 * The host passes one, typically backed by its projection runner. The bus uses it to keep cached answers no
 * staler than their read model, and to wait for a read model to reach a position (read-your-writes).
 * <p>
 * {@link #awaitPosition} polls {@link #position} with backoff by default; a host whose projection runner can
 * signal progress overrides it so a read-your-writes query wakes as soon as its read model catches up.
 * <p>
 * Thread-safety: called from many threads at once; must be thread-safe, and {@link #position} quick (it is called
 * on every cached lookup).
 * <pre>{@code
 * ReadModelProgress progress = new ReadModelProgress() {
 *     public LogPosition position(String readModel) { return checkpoints.load(readModel); }
 *     public boolean awaitPosition(String readModel, LogPosition position, Duration timeout) {
 *         return runner.awaitPosition(readModel, position, timeout);
 *     }
 * };
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

    /**
     * Waits until a read model has processed a log position. The default polls {@link #position} with
     * exponential backoff (from 1 ms up to 50 ms between polls), so it never spins.
     *
     * @param readModel a read model name declared at registration
     * @param position the position to reach
     * @param timeout the longest wait
     * @return true once {@code position(readModel) >= position}, false when the timeout passed first
     * @throws InterruptedException when the waiting thread is interrupted
     */
    default boolean awaitPosition(String readModel, LogPosition position, Duration timeout)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = Polling.FIRST_PAUSE.toNanos();
        while (true) {
            var reached = position(readModel);
            if (reached != null && reached.compareTo(position) >= 0) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(pause, remaining));
            pause = Math.min(pause * 2, Polling.MAX_PAUSE.toNanos());
        }
    }
}
