package dev.eventline.core.metrics;

import java.time.Duration;

/** The default {@link BusMetrics}: records nothing, so the buses need no metrics library. */
enum NoopBusMetrics implements BusMetrics {
    INSTANCE;

    @Override
    public void commandCompleted(String commandType, Duration latency, Outcome outcome) {
    }

    @Override
    public void queryCompleted(String queryType, Duration latency, Outcome outcome) {
    }

    @Override
    public void cacheHit(String queryType) {
    }

    @Override
    public void cacheMiss(String queryType) {
    }
}
