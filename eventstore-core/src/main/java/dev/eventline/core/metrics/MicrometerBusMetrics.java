package dev.eventline.core.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * {@link BusMetrics} on a Micrometer {@link MeterRegistry}.
 * <p>
 * Meters: timer {@value #COMMANDS} and timer {@value #QUERIES}, each tagged {@code type} and {@code outcome}
 * (see {@link Outcome#tag()}); counter {@value #CACHE} tagged {@code type} and {@code result} ({@code hit} or
 * {@code miss}). Micrometer is an optional dependency of eventstore-core: this class is the only one that uses
 * it, and it is loaded only when an application calls {@link #of(MeterRegistry)}.
 * <p>
 * Thread-safety: safe for concurrent use.
 * <pre>{@code
 * var metrics = MicrometerBusMetrics.of(meterRegistry);
 * CommandBus.builder().middleware(new MetricsMiddleware(metrics))...
 * QueryBus.builder().metrics(metrics).middleware(new MetricsMiddleware(metrics))...
 * }</pre>
 *
 * @since 0.1
 */
public final class MicrometerBusMetrics implements BusMetrics {

    /** Timer of command dispatches. */
    public static final String COMMANDS = "eventline.commands";
    /** Timer of query dispatches. */
    public static final String QUERIES = "eventline.queries";
    /** Counter of query cache lookups. */
    public static final String CACHE = "eventline.queries.cache";

    private final MeterRegistry registry;

    private MicrometerBusMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param registry where to register the meters
     * @return metrics recording into {@code registry}
     */
    public static MicrometerBusMetrics of(MeterRegistry registry) {
        return new MicrometerBusMetrics(Objects.requireNonNull(registry, "registry"));
    }

    @Override
    public void commandCompleted(String commandType, Duration latency, Outcome outcome) {
        Timer.builder(COMMANDS).description("Commands dispatched by the CommandBus")
            .tag("type", commandType).tag("outcome", outcome.tag())
            .register(registry).record(latency);
    }

    @Override
    public void queryCompleted(String queryType, Duration latency, Outcome outcome) {
        Timer.builder(QUERIES).description("Queries answered by the QueryBus")
            .tag("type", queryType).tag("outcome", outcome.tag())
            .register(registry).record(latency);
    }

    @Override
    public void cacheHit(String queryType) {
        cache(queryType, "hit");
    }

    @Override
    public void cacheMiss(String queryType) {
        cache(queryType, "miss");
    }

    private void cache(String queryType, String result) {
        Counter.builder(CACHE).description("Query cache lookups")
            .tag("type", queryType).tag("result", result)
            .register(registry).increment();
    }
}
