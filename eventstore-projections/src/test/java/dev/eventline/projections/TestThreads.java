package dev.eventline.projections;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

/** Threads and pauses for the fault tests: a worker's failure is collected, never lost on a background thread. */
final class TestThreads {

    private TestThreads() {
    }

    /** Starts a daemon thread running {@code body}; whatever it throws goes into {@code failures}. */
    static Thread start(String name, Collection<Throwable> failures, Runnable body) {
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

    /** Sleeps; an interrupt is kept and ends the caller with an exception. */
    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
