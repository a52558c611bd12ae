package dev.eventline.jdbc.testing;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Threads and pauses for the fault tests (this module's reliability tests and eventstore-projections' fault tests):
 * a worker's failure is collected, never lost on a background thread.
 */
public final class TestThreads {

    private TestThreads() {
    }

    /**
     * Starts a daemon thread running {@code body}; whatever it throws goes into {@code failures}.
     *
     * @param name the thread's name
     * @param failures where the body's exception or error is added (a thread-safe collection)
     * @param body the work
     * @return the started thread
     */
    public static Thread start(String name, Collection<Throwable> failures, Runnable body) {
        Thread thread = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable t) {
                failures.add(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Sleeps; an interrupt is kept and ends the caller with an exception.
     *
     * @param millis how long
     */
    public static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
