package dev.eventline.saga.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.function.ToDoubleBiFunction;

/**
 * Saga metrics on Micrometer. Only loaded when the application gives the runner a {@code MeterRegistry}, because
 * Micrometer is an optional dependency.
 * <p>
 * Meters (tag {@code saga_type}): {@code eventline.saga.started}, {@code eventline.saga.ended} (tag
 * {@code status}), {@code eventline.saga.duration} (timer, tag {@code status}), {@code eventline.saga.commands}
 * (tags {@code kind} = step|compensation, {@code outcome} = accepted|rejected), {@code eventline.saga.retries},
 * {@code eventline.saga.deadlines.fired}, gauges {@code eventline.saga.instances} (tag {@code status}) and
 * {@code eventline.saga.completion.ratio} / {@code eventline.saga.compensation.ratio} (of ended instances).
 */
public final class MicrometerSagaMetrics implements SagaMetrics {

    private final MeterRegistry registry;

    private MicrometerSagaMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param registry a {@code MeterRegistry} (typed as Object so that callers need no Micrometer class)
     * @param sagaTypes the registered saga type names
     * @param statuses the status names to publish instance gauges for
     * @param instances counts instances of (type, status)
     * @return the metrics
     */
    public static SagaMetrics create(Object registry, Collection<String> sagaTypes, Collection<String> statuses,
                                     ToDoubleBiFunction<String, String> instances) {
        var meters = (MeterRegistry) registry;
        var metrics = new MicrometerSagaMetrics(meters);
        for (String type : sagaTypes) {
            for (String status : statuses) {
                Gauge.builder("eventline.saga.instances", () -> instances.applyAsDouble(type, status))
                    .description("Saga instances by status (as known to this runner)")
                    .tags("saga_type", type, "status", status).register(meters);
            }
            Gauge.builder("eventline.saga.completion.ratio", () -> metrics.ratio(type, "COMPLETED"))
                .description("Share of ended sagas that completed").tags("saga_type", type).register(meters);
            Gauge.builder("eventline.saga.compensation.ratio", () -> metrics.ratio(type, "COMPENSATED"))
                .description("Share of ended sagas that were compensated").tags("saga_type", type).register(meters);
        }
        return metrics;
    }

    private double ratio(String type, String status) {
        double total = ended(type, "COMPLETED").count() + ended(type, "COMPENSATED").count()
            + ended(type, "FAILED").count();
        return total == 0 ? 0 : ended(type, status).count() / total;
    }

    private Counter ended(String type, String status) {
        return Counter.builder("eventline.saga.ended").description("Sagas that reached a final or failed status")
            .tags("saga_type", type, "status", status).register(registry);
    }

    @Override
    public void started(String sagaType) {
        Counter.builder("eventline.saga.started").description("Saga instances started")
            .tag("saga_type", sagaType).register(registry).increment();
    }

    @Override
    public void ended(String sagaType, String status, Duration duration) {
        ended(sagaType, status).increment();
        Timer.builder("eventline.saga.duration").description("Time from a saga's start to its end")
            .tags("saga_type", sagaType, "status", status).register(registry).record(duration);
    }

    @Override
    public void commandSent(String sagaType, boolean compensation, boolean accepted) {
        Counter.builder("eventline.saga.commands").description("Commands sent by sagas")
            .tags("saga_type", sagaType, "kind", compensation ? "compensation" : "step",
                "outcome", accepted ? "accepted" : "rejected")
            .register(registry).increment();
    }

    @Override
    public void retried(String sagaType) {
        Counter.builder("eventline.saga.retries").description("Saga processing attempts that failed and will retry")
            .tag("saga_type", sagaType).register(registry).increment();
    }

    @Override
    public void deadlineFired(String sagaType) {
        Counter.builder("eventline.saga.deadlines.fired").description("Saga deadlines that passed")
            .tag("saga_type", sagaType).register(registry).increment();
    }
}
