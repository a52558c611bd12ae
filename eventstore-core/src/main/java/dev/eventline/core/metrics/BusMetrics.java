package dev.eventline.core.metrics;

import java.time.Duration;

/**
 * Where the buses report what they did: each command and query with its latency and outcome, and query cache
 * hits and misses.
 * <p>
 * Eventline does not require Micrometer: the default is {@link #noop()}. An application with Micrometer passes
 * {@link MicrometerBusMetrics#of(io.micrometer.core.instrument.MeterRegistry)}; only that class touches
 * Micrometer, so it is loaded only then. Implement this interface to report elsewhere.
 * <p>
 * Thread-safety: implementations must be safe for concurrent use; calls must be quick and must not throw.
 *
 * @since 0.1
 */
public interface BusMetrics {

    /**
     * @param commandType the command's type name
     * @param latency how long the dispatch took, middleware included
     * @param outcome how it ended
     */
    void commandCompleted(String commandType, Duration latency, Outcome outcome);

    /**
     * @param queryType the query's type name
     * @param latency how long the dispatch took, middleware and waiting for consistency included
     * @param outcome how it ended
     */
    void queryCompleted(String queryType, Duration latency, Outcome outcome);

    /** @param queryType the query's type name, answered from the cache */
    void cacheHit(String queryType);

    /** @param queryType the query's type name, not found in the cache (or found stale) */
    void cacheMiss(String queryType);

    /** @return metrics that record nothing */
    static BusMetrics noop() {
        return NoopBusMetrics.INSTANCE;
    }
}
