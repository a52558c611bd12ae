package dev.eventline.projections.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up signal for runner threads: sleeps end early when the runner closes or new events are announced.
 * A ReentrantLock, not a monitor, so virtual threads waiting here are not pinned.
 */
public final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long generation;

    /**
     * Waits up to {@code timeout} or until {@link #signalAll()}.
     *
     * @param timeout the longest wait
     * @throws InterruptedException when interrupted
     */
    public void await(Duration timeout) throws InterruptedException {
        awaitChange(generation(), timeout);
    }

    /** @return the current generation, to pass to {@link #awaitChange} so a signal in between is not missed */
    public long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits up to {@code timeout} unless a signal came after {@code seen} was read.
     *
     * @param seen a value of {@link #generation()}
     * @param timeout the longest wait
     * @throws InterruptedException when interrupted
     */
    public void awaitChange(long seen, Duration timeout) throws InterruptedException {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (seen == generation && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting thread. */
    public void signalAll() {
        lock.lock();
        try {
            generation++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code condition} holds or the timeout passes, re-checking at each signal.
     *
     * @param condition what to wait for
     * @param timeout the longest wait
     * @return true when the condition held
     * @throws InterruptedException when interrupted
     */
    public boolean awaitUntil(java.util.function.BooleanSupplier condition, Duration timeout)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
