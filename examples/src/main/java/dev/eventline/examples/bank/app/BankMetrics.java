package dev.eventline.examples.bank.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * The bank's Micrometer meters: events appended, command and query latency by type and outcome (the read
 * models' lag comes from the projection runner's own gauges).
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
     * @param outcome {@code accepted}, {@code rejected}, {@code conflict}, {@code idempotency_key_reused},
     *     {@code request_in_progress} or {@code error}
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
}
