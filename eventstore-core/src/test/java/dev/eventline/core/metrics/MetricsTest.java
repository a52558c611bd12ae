package dev.eventline.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.command.CommandBus;
import dev.eventline.core.command.CommandResult;
import dev.eventline.core.command.MetricsMiddleware;
import dev.eventline.core.command.ValidationMiddleware;
import dev.eventline.core.query.QueryBus;
import dev.eventline.core.query.QueryContext;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Array;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.simple.SimpleLogger;

class MetricsTest {

    record Ping(String text) {
    }

    record Count(String what) {
    }

    @Test
    void commands_are_timed_per_type_and_outcome_in_micrometer() {
        // given
        var registry = new SimpleMeterRegistry();
        var bus = CommandBus.builder()
            .handle(Ping.class, (command, context) -> new CommandResult("ping", 0, List.of()))
            .middleware(new MetricsMiddleware(MicrometerBusMetrics.of(registry)),
                ValidationMiddleware.builder().validate(Ping.class, ping -> ping.text().isEmpty()
                    ? List.of(new Violation("text", "must not be empty")) : List.of()).build())
            .build();
        // when
        bus.send(new Ping("a"));
        bus.send(new Ping("b"));
        assertThat(catchThrowable(() -> bus.send(new Ping("")))).isInstanceOf(ValidationException.class);
        // then
        var success = registry.get(MicrometerBusMetrics.COMMANDS).tag("type", "Ping").tag("outcome", "success")
            .timer();
        var invalid = registry.get(MicrometerBusMetrics.COMMANDS).tag("type", "Ping").tag("outcome", "invalid")
            .timer();
        assertThat(success.count()).isEqualTo(2);
        assertThat(invalid.count()).isEqualTo(1);
    }

    @Test
    void queries_are_timed_and_cache_hits_and_misses_counted_in_micrometer() {
        // given
        var registry = new SimpleMeterRegistry();
        var metrics = MicrometerBusMetrics.of(registry);
        var bus = QueryBus.builder()
            .handle(Count.class, "counts", (Count query, QueryContext context) -> 42)
            .readModelProgress(readModel -> LogPosition.of(1))
            .metrics(metrics)
            .middleware(new MetricsMiddleware(metrics))
            .build();
        // when
        bus.ask(new Count("x"));
        bus.ask(new Count("x"));
        bus.ask(new Count("x"));
        // then
        assertThat(registry.get(MicrometerBusMetrics.QUERIES).tag("type", "Count").tag("outcome", "success")
            .timer().count()).isEqualTo(3);
        assertThat(registry.get(MicrometerBusMetrics.CACHE).tag("result", "miss").counter().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerBusMetrics.CACHE).tag("result", "hit").counter().count()).isEqualTo(2);
    }

    @Test
    void the_buses_and_their_middleware_work_without_micrometer_on_the_classpath() throws Exception {
        // given: a class loader with eventstore-core, Jackson and SLF4J, but no Micrometer
        var urls = new URL[] {
            location(CommandBus.class), location(ObjectMapper.class), location(JsonParser.class),
            location(JsonProperty.class), location(JavaTimeModule.class), location(LoggerFactory.class),
            location(SimpleLogger.class)};
        try (var loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> loader.loadClass("io.micrometer.core.instrument.MeterRegistry"))
                .isInstanceOf(ClassNotFoundException.class);
            var handlerType = loader.loadClass("dev.eventline.core.command.CommandHandler");
            var middlewareType = loader.loadClass("dev.eventline.core.command.CommandMiddleware");
            var resultType = loader.loadClass("dev.eventline.core.command.CommandResult");
            var metricsType = loader.loadClass("dev.eventline.core.metrics.BusMetrics");
            var handler = Proxy.newProxyInstance(loader, new Class<?>[] {handlerType}, (proxy, method, args) ->
                method.getName().equals("handle")
                    ? resultType.getConstructor(String.class, long.class, List.class)
                        .newInstance("isolated", 0L, List.of())
                    : method.invoke(this, args));
            var middleware = Array.newInstance(middlewareType, 2);
            Array.set(middleware, 0, loader.loadClass("dev.eventline.core.command.LoggingMiddleware")
                .getConstructor().newInstance());
            Array.set(middleware, 1, loader.loadClass("dev.eventline.core.command.MetricsMiddleware")
                .getConstructor(metricsType).newInstance(metricsType.getMethod("noop").invoke(null)));
            // when
            var builder = loader.loadClass("dev.eventline.core.command.CommandBus").getMethod("builder").invoke(null);
            builder.getClass().getMethod("handle", Class.class, handlerType).invoke(builder, String.class, handler);
            builder.getClass().getMethod("middleware", middleware.getClass()).invoke(builder, middleware);
            var bus = builder.getClass().getMethod("build").invoke(builder);
            var result = bus.getClass().getMethod("send", Object.class).invoke(bus, "hello");
            bus.getClass().getMethod("close").invoke(bus);
            // then
            assertThat(resultType.getMethod("streamId").invoke(result)).isEqualTo("isolated");
        }
    }

    private static URL location(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
