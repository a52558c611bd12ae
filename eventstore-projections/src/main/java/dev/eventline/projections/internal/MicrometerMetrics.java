package dev.eventline.projections.internal;

import dev.eventline.projections.ProjectionRunner;
import dev.eventline.projections.ProjectionState;
import dev.eventline.projections.ProjectionStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Publishes projection gauges to Micrometer. The only class that touches Micrometer, and only loaded when a
 * registry is configured, so Micrometer stays optional.
 */
public final class MicrometerMetrics {

    /** A scrape reads several gauges; one status (a few queries) per projection per second is plenty. */
    private static final long STATUS_TTL_NANOS = 1_000_000_000L;

    private final ProjectionRunner runner;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(ProjectionStatus status, long takenAtNanos) {
    }

    private MicrometerMetrics(ProjectionRunner runner) {
        this.runner = runner;
    }

    /**
     * @param registry a {@code MeterRegistry}, typed as Object so callers need not load Micrometer
     * @param runner the runner
     * @param projections the projections to publish
     */
    public static void bind(Object registry, ProjectionRunner runner, List<String> projections) {
        MeterRegistry meters = (MeterRegistry) registry;
        MicrometerMetrics metrics = new MicrometerMetrics(runner);
        for (String name : projections) {
            metrics.gauge(meters, "eventline.projection.position", name, "events",
                status -> status.position().position());
            metrics.gauge(meters, "eventline.projection.lag.events", name, "events", ProjectionStatus::lagEvents);
            metrics.gauge(meters, "eventline.projection.lag.seconds", name, "seconds",
                status -> status.lagTime().toNanos() / 1e9);
            metrics.gauge(meters, "eventline.projection.dead.letters", name, "events",
                ProjectionStatus::deadLetters);
            metrics.gauge(meters, "eventline.projection.events.applied", name, "events",
                ProjectionStatus::eventsApplied);
            metrics.gauge(meters, "eventline.projection.events.parked", name, "events",
                ProjectionStatus::eventsParked);
            metrics.gauge(meters, "eventline.projection.failed", name, null,
                status -> status.state() == ProjectionState.FAILED ? 1 : 0);
        }
    }

    private void gauge(MeterRegistry meters, String meter, String projection, String unit,
                       ToDoubleFunction<ProjectionStatus> value) {
        Gauge.builder(meter, this, self -> self.read(projection, value))
            .tag("projection", projection)
            .baseUnit(unit)
            .strongReference(true)
            .register(meters);
    }

    private double read(String projection, ToDoubleFunction<ProjectionStatus> value) {
        long now = System.nanoTime();
        Cached cached = cache.get(projection);
        if (cached == null || now - cached.takenAtNanos() > STATUS_TTL_NANOS) {
            try {
                cached = new Cached(runner.status(projection), now);
            } catch (RuntimeException e) {
                return Double.NaN;
            }
            cache.put(projection, cached);
        }
        return value.applyAsDouble(cached.status());
    }
}
