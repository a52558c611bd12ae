package dev.eventline.core.command.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads for the buses' default async executors, so an unclosed bus never keeps a JVM alive. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    /**
     * @param prefix the thread name prefix, e.g. {@code "eventline-command-"}
     * @return a factory of daemon threads named prefix + 1, 2, 3…
     */
    public static ThreadFactory factory(String prefix) {
        var counter = new AtomicInteger();
        return runnable -> {
            var thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * @param prefix the thread name prefix
     * @param threads the most threads the pool starts (they are started on demand and die when idle)
     * @return a bounded pool of daemon threads with an unbounded queue
     */
    public static ExecutorService pool(String prefix, int threads) {
        var pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            factory(prefix));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
