package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class MicrometerMetricsTest {

    @Test
    void publishes_position_lag_dead_letters_and_failure_per_projection() {
        // given
        var store = EventStore.inMemory();
        TestEvents.fill(store, 2, 40);
        store.append("poisoned", ExpectedVersion.any(), List.of(TestEvents.deposited(1), TestEvents.deposited(2)));
        var registry = new SimpleMeterRegistry();
        Projection parking = Projection.builder("parking").on("MoneyDeposited", (event, tx) -> {
            if (event.streamId().equals("poisoned")) {
                throw new IllegalStateException("poison");
            }
        }).build();
        try (var runner = ProjectionRunner.builder(store).pollInterval(Duration.ofMillis(10))
            .errorPolicy(ErrorPolicy.retryThenPark(0, Duration.ofMillis(1)))
            .register(parking).meterRegistry(registry).build()) {
            // when
            double lagBefore = registry.get("eventline.projection.lag.events").tag("projection", "parking").gauge()
                .value();
            runner.start();
            runner.awaitPosition("parking", store.headPosition(), Duration.ofSeconds(10));
            // then
            assertThat(lagBefore).isEqualTo(42);
            // the gauges cache a status for one second; wait it out rather than assert stale values
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                registry.get("eventline.projection.lag.events").tag("projection", "parking").gauge().value() == 0);
            assertThat(registry.get("eventline.projection.position").tag("projection", "parking").gauge().value())
                .isEqualTo(42);
            assertThat(registry.get("eventline.projection.dead.letters").tag("projection", "parking").gauge().value())
                .isEqualTo(2);
            assertThat(registry.get("eventline.projection.events.parked").tag("projection", "parking").gauge()
                .value()).isEqualTo(2);
            assertThat(registry.get("eventline.projection.failed").tag("projection", "parking").gauge().value())
                .isZero();
            assertThat(registry.get("eventline.projection.lag.seconds").tag("projection", "parking").gauge().value())
                .isZero();
        }
    }
}
