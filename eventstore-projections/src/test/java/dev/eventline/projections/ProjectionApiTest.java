package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProjectionApiTest {

    @Nested
    class Names {

        @ParameterizedTest
        @ValueSource(strings = {"", " ", "a'; drop table el_event;--", "\"x\" || pg_sleep(5)", "%", "\\", "$all",
            "/", "\u0000", "\n", "\u202Eevil", "caf\u00e9", "\uD800"})
        void refuses_projection_names_outside_the_safe_alphabet(String name) {
            assertThatThrownBy(() -> Projection.builder(name)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("projection name must be");
        }

        @Test
        void refuses_a_name_of_ten_thousand_characters() {
            assertThatThrownBy(() -> Projection.builder("a".repeat(10_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 100 characters");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Balance", "balance; drop", "\"quoted\"", "a234567890123456789012345678901234567890123456789"
            + "01", "bal-ance"})
        void refuses_table_names_that_are_not_plain_lowercase_identifiers(String table) {
            assertThatThrownBy(() -> Projection.builder("p").tables(table))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table base name");
        }

        @ParameterizedTest
        @ValueSource(strings = {"EL_", "ev; drop", "\"q\"", "é_"})
        void refuses_table_prefixes_that_are_not_identifiers(String prefix) {
            var builder = JdbcCheckpointStore.builder(new org.h2.jdbcx.JdbcDataSource()).tablePrefix(prefix);
            assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class);
        }
    }

    @Nested
    class Builder {

        @Test
        void refuses_two_handlers_for_one_type() {
            var builder = Projection.builder("p").on("A", event -> { });
            assertThatThrownBy(() -> builder.on("A", event -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has a handler");
        }

        @Test
        void refuses_a_projection_without_handlers() {
            assertThatThrownBy(() -> Projection.builder("p").build()).isInstanceOf(ConfigurationException.class);
        }

        @Test
        void handles_exactly_the_types_it_registered() {
            var projection = Projection.builder("p").on("A", event -> { }).on("B", (event, tx) -> { }).build();
            assertThat(projection.eventTypes()).containsExactlyInAnyOrder("A", "B");
        }

        @Test
        void refuses_registering_two_projections_with_one_name() {
            var builder = ProjectionRunner.builder(EventStore.inMemory())
                .register(Projection.builder("p").on("A", event -> { }).build());
            assertThatThrownBy(() -> builder.register(Projection.builder("p").on("B", event -> { }).build()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("registered twice");
        }

        @Test
        void refuses_a_jdbc_read_model_with_an_in_memory_checkpoint_store() {
            var builder = ProjectionRunner.builder(EventStore.inMemory()).register(JdbcBalances.projection());
            assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("CheckpointStore.jdbc");
        }

        @Test
        void refuses_out_of_range_settings() {
            var store = EventStore.inMemory();
            assertThatThrownBy(() -> ProjectionRunner.builder(store).batchSize(0).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("batchSize");
            assertThatThrownBy(() -> ProjectionRunner.builder(store).pollInterval(Duration.ZERO).build())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("pollInterval");
            assertThatThrownBy(() -> ProjectionRunner.builder(store).errorPolicy("ghost", ErrorPolicy.defaults())
                .build()).isInstanceOf(ConfigurationException.class).hasMessageContaining("ghost");
        }
    }

    @Nested
    class Backoff {

        @Test
        void doubles_from_the_initial_wait_up_to_the_cap_with_jitter_between_half_and_full() {
            var policy = new ErrorPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), ErrorPolicy.Action.STOP);
            assertThat(policy.backoff(1, 0.999_999)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
            assertThat(policy.backoff(1, 0.0)).isEqualTo(Duration.ofMillis(50));
            assertThat(policy.backoff(3, 0.999_999)).isBetween(Duration.ofMillis(399), Duration.ofMillis(400));
            assertThat(policy.backoff(8, 0.999_999)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
            assertThat(policy.backoff(1_000, 0.0)).isEqualTo(Duration.ofMillis(500));
        }

        @Test
        void refuses_negative_retries_and_a_cap_below_the_first_wait() {
            assertThatThrownBy(() -> ErrorPolicy.retryThenStop(-1, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new ErrorPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1),
                ErrorPolicy.Action.PARK)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Inline {

        @Test
        void applies_events_appended_before_wrapping_and_directly_to_the_wrapped_store_in_log_order() {
            var plain = EventStore.inMemory();
            plain.append("account-1", ExpectedVersion.any(), List.of(TestEvents.deposited(1)));
            var balances = new Balances();
            var inline = InlineProjectionStore.wrap(plain, balances);
            plain.append("account-1", ExpectedVersion.any(), List.of(TestEvents.deposited(10)));
            inline.append("account-2", ExpectedVersion.any(), List.of(TestEvents.deposited(100)));
            assertThat(balances.total()).isEqualTo(111);
            assertThat(inline.position("balances")).isEqualTo(plain.headPosition());
        }

        @Test
        void reports_a_failing_inline_handler_to_the_appender_and_retries_it_on_the_next_append() {
            boolean[] broken = {true};
            var balances = new Balances();
            Projection flaky = Projection.builder("flaky").on("MoneyDeposited", (event, tx) -> {
                if (broken[0]) {
                    throw new IllegalStateException("broken");
                }
                balances.handle(event, tx);
            }).build();
            var store = InlineProjectionStore.wrap(EventStore.inMemory(), flaky);
            assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(), List.of(TestEvents.deposited(5))))
                .isInstanceOf(ProjectionFailedException.class).hasMessageContaining("broken");
            assertThat(store.streamVersion("a")).isEqualTo(1);
            broken[0] = false;
            store.append("a", ExpectedVersion.any(), List.of(TestEvents.deposited(6)));
            assertThat(balances.total()).isEqualTo(11);
        }
    }
}
