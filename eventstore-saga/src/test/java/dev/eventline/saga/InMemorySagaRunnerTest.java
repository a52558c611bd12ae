package dev.eventline.saga;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventStore;
import dev.eventline.core.InMemoryEventStore;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class InMemorySagaRunnerTest extends SagaRunnerContract {

    @Override
    protected EventStore newStore(InstantSource clock) {
        return InMemoryEventStore.builder().clock(clock).build();
    }

    @Test
    void a_negative_close_grace_period_is_refused_with_the_value() {
        // given
        var builder = SagaRunner.builder(InMemoryEventStore.builder().build(), command -> { })
            .register(TransferSagas.TRANSFER)
            .closeGracePeriod(Duration.ofSeconds(-1));
        // when / then
        assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("closeGracePeriod must be >= 0 (closeGracePeriod: PT-1S)");
    }
}
