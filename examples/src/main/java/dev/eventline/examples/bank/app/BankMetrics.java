package dev.eventline.examples.bank.app;

import dev.eventline.examples.bank.readmodel.ProjectionEngine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * The bank's Micrometer meters: events appended, command and query latency by type and outcome, and
 * each read model's lag.
 * <p>
 * Thread-safety: safe for concurrent use.
 */
public final class BankMetrics {

    private final MeterRegistry registry;

    /** @param registry where the meters live (Prometheus in the application) */
    public BankMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** @return the registry */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * @param eventType the stored type name
     * @param count how many were appended
     */
    public void eventsAppended(String eventType, int count) {
        Counter.builder("eventline_events_appended").description("Events appended to the event store")
            .tag("event_type", eventType).register(registry).increment(count);
    }

    /**
     * @param commandType the command type
     * @param outcome {@code accepted}, {@code replayed}, {@code rejected}, {@code conflict}, {@code invalid} or
     *     {@code error}
     * @param elapsed how long it took
     */
    public void command(String commandType, String outcome, Duration elapsed) {
        Timer.builder("eventline_command_latency").description("Command handling time")
            .tag("command_type", commandType).tag("outcome", outcome).publishPercentileHistogram(false)
            .register(registry).record(elapsed);
    }

    /**
     * @param queryType the query type
     * @param outcome {@code ok} or the error code
     * @param elapsed how long it took
     */
    public void query(String queryType, String outcome, Duration elapsed) {
        Timer.builder("eventline_query_latency").description("Query handling time")
            .tag("query_type", queryType).tag("outcome", outcome).register(registry).record(elapsed);
    }

    /**
     * Registers a lag gauge per read model.
     *
     * @param engine the read models' runner
     */
    public void projections(ProjectionEngine engine) {
        for (String name : engine.names()) {
            Gauge.builder("eventline_projection_lag", engine, e -> e.status(name).lag())
                .description("Global positions the read model is behind the head of the log")
                .tag("projection", name).register(registry);
            Gauge.builder("eventline_projection_position", engine, e -> e.status(name).position())
                .description("Global position of the last event applied to the read model")
                .tag("projection", name).register(registry);
        }
    }
}
