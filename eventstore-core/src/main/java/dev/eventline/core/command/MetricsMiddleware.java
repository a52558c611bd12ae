package dev.eventline.core.command;

import dev.eventline.core.metrics.BusMetrics;
import dev.eventline.core.metrics.Outcome;
import dev.eventline.core.query.QueryContext;
import dev.eventline.core.query.QueryMiddleware;
import java.time.Duration;
import java.util.Objects;

/**
 * Records each command and query with its type, latency and {@link Outcome} in a {@link BusMetrics}.
 * <p>
 * Place it near the outside of the chain to time what callers see. Without Micrometer, pass
 * {@link BusMetrics#noop()} or leave it out; with Micrometer, pass
 * {@link dev.eventline.core.metrics.MicrometerBusMetrics#of}. This class itself never touches Micrometer.
 * <p>
 * Works on both buses. Thread-safety: safe for concurrent use when the metrics are.
 * <pre>{@code CommandBus.builder().middleware(new MetricsMiddleware(MicrometerBusMetrics.of(registry))) }</pre>
 *
 * @since 0.1
 */
public final class MetricsMiddleware implements CommandMiddleware, QueryMiddleware {

    private final BusMetrics metrics;

    /**
     * @param metrics where to record
     */
    public MetricsMiddleware(BusMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, CommandMiddleware.Next next) {
        long start = System.nanoTime();
        try {
            var result = next.proceed(command, context);
            metrics.commandCompleted(context.commandType(), Duration.ofNanos(System.nanoTime() - start),
                Outcome.SUCCESS);
            return result;
        } catch (RuntimeException | Error e) {
            metrics.commandCompleted(context.commandType(), Duration.ofNanos(System.nanoTime() - start),
                Outcome.of(e));
            throw e;
        }
    }

    @Override
    public Object handle(Object query, QueryContext context, QueryMiddleware.Next next) {
        long start = System.nanoTime();
        try {
            var answer = next.proceed(query, context);
            metrics.queryCompleted(context.queryType(), Duration.ofNanos(System.nanoTime() - start), Outcome.SUCCESS);
            return answer;
        } catch (RuntimeException | Error e) {
            metrics.queryCompleted(context.queryType(), Duration.ofNanos(System.nanoTime() - start), Outcome.of(e));
            throw e;
        }
    }
}
