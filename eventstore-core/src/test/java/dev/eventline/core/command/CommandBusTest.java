package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.NoHandlerException;
import dev.eventline.core.UnknownMessageTypeException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.command.TestCommands.AccountCommand;
import dev.eventline.core.command.TestCommands.Deposit;
import dev.eventline.core.command.TestCommands.OpenAccount;
import dev.eventline.core.command.TestCommands.Unregistered;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CommandBusTest {

    private final EventStore store = EventStore.inMemory();

    private CommandBus bus() {
        return CommandBus.builder()
            .handle("OpenAccount", OpenAccount.class, TestCommands.appendingTo(store))
            .handle("Deposit", Deposit.class, TestCommands.appendingTo(store))
            .build();
    }

    @Nested
    class Typed {

        @Test
        void send_runs_the_registered_handler_and_returns_what_it_wrote() {
            // given
            var bus = bus();
            // when
            var result = bus.send(new OpenAccount("a-1", "Ada"));
            // then
            assertThat(result.streamId()).isEqualTo("account-a-1");
            assertThat(result.version()).isEqualTo(1);
            assertThat(result.events()).singleElement()
                .satisfies(e -> assertThat(e.type()).isEqualTo("OpenAccountDone"));
            assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
            assertThat(result.lastPosition()).isEqualTo(store.headPosition());
        }

        @Test
        void metadata_reaches_the_events_as_correlation_causation_principal_and_tenant() {
            // given
            var bus = bus();
            var metadata = CommandMetadata.empty().withCommandId("cmd-1").withCorrelationId("corr-1")
                .withPrincipal("ada").withTenant("t1").with("source", "test");
            // when
            var event = bus.send(new OpenAccount("a-1", "Ada"), metadata).events().get(0);
            // then
            assertThat(event.metadata().correlationId()).isEqualTo("corr-1");
            assertThat(event.metadata().causationId()).isEqualTo("cmd-1");
            assertThat(event.metadata().principal()).isEqualTo("ada");
            assertThat(event.metadata().tenant()).isEqualTo("t1");
            assertThat(event.metadata().extra()).containsEntry("source", "test");
        }

        @Test
        void expected_version_from_the_metadata_is_enforced_by_the_append() {
            // given
            var bus = bus();
            bus.send(new OpenAccount("a-1", "Ada"));
            // when
            var thrown = catchThrowable(() -> bus.send(new Deposit("a-1", BigDecimal.TEN),
                CommandMetadata.empty().withExpectedVersion(ExpectedVersion.noStream())));
            // then
            assertThat(thrown).isInstanceOf(ConcurrencyConflictException.class);
            assertThat(store.streamVersion("account-a-1")).isEqualTo(1);
        }

        @Test
        void a_handler_registered_for_a_sealed_interface_takes_every_subtype() {
            // given
            var seen = new ArrayList<String>();
            var bus = CommandBus.builder()
                .handle(AccountCommand.class, (command, context) -> {
                    seen.add(context.commandType());
                    return TestCommands.appendingTo(store).handle(command, context);
                })
                .build();
            // when
            bus.send(new OpenAccount("a-1", "Ada"));
            bus.send(new Deposit("a-1", BigDecimal.ONE));
            // then
            assertThat(seen).containsExactly("OpenAccount", "Deposit");
            assertThat(store.streamVersion("account-a-1")).isEqualTo(2);
        }

        @Test
        void a_command_without_handler_is_a_typed_error_naming_the_fix() {
            var thrown = catchThrowable(() -> bus().send(new Unregistered("x")));
            assertThat(thrown).isInstanceOfSatisfying(NoHandlerException.class,
                e -> assertThat(e.messageClass()).isEqualTo(Unregistered.class))
                .hasMessageContaining("Unregistered").hasMessageContaining(".handle(Unregistered.class, handler)");
        }

        @Test
        void send_async_completes_with_the_result_on_the_given_executor() throws Exception {
            // given
            var executor = Executors.newSingleThreadExecutor();
            try {
                var bus = CommandBus.builder()
                    .handle(OpenAccount.class, (command, context) -> {
                        assertThat(Thread.currentThread().getName()).doesNotContain("main");
                        return TestCommands.appendingTo(store).handle(command, context);
                    })
                    .executor(executor)
                    .build();
                // when
                var result = bus.sendAsync(new OpenAccount("a-1", "Ada")).get();
                // then
                assertThat(result.version()).isEqualTo(1);
            } finally {
                executor.shutdownNow();
            }
        }

        @Test
        void send_async_fails_the_future_with_the_handlers_exception() {
            // given
            try (var bus = bus()) {
                // when
                var future = bus.sendAsync(new Unregistered("x"));
                // then
                assertThatThrownBy(future::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NoHandlerException.class);
            }
        }

        @Test
        void a_closed_bus_refuses_async_sends_and_close_is_idempotent() {
            var bus = bus();
            bus.close();
            bus.close();
            assertThatThrownBy(() -> bus.sendAsync(new OpenAccount("a-1", "Ada")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    @Nested
    class Configuration {

        @Test
        void build_rejects_two_handlers_for_one_type_and_a_name_used_twice() {
            var builder = CommandBus.builder()
                .handle("Open", OpenAccount.class, (c, x) -> null)
                .handle(OpenAccount.class, (c, x) -> null)
                .handle("Open", Deposit.class, (c, x) -> null)
                .handle("bad name!", Unregistered.class, (c, x) -> null);
            assertThatThrownBy(builder::build).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("has two handlers")
                .hasMessageContaining("'Open' is used by both")
                .hasMessageContaining("'bad name!'");
        }

        @Test
        void a_handler_returning_null_is_reported_as_a_bug() {
            var bus = CommandBus.builder().handle(OpenAccount.class, (c, x) -> null).build();
            assertThatThrownBy(() -> bus.send(new OpenAccount("a", "b")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("returned null");
        }
    }

    @Nested
    class Envelopes {

        @Test
        void an_envelope_becomes_the_registered_record() {
            // given
            var bus = bus();
            // when
            var result = bus.send(CommandEnvelope.of("OpenAccount", "{\"accountId\":\"a-9\",\"owner\":\"Ada\"}",
                CommandMetadata.empty().withCommandId("c-1")));
            // then
            assertThat(result.streamId()).isEqualTo("account-a-9");
            assertThat(result.events().get(0).metadata().causationId()).isEqualTo("c-1");
        }

        @Test
        void decode_turns_json_numbers_into_the_records_types() {
            var command = bus().decode(CommandEnvelope.of("Deposit", "{\"accountId\":\"a\",\"amount\":12.50}",
                CommandMetadata.empty()));
            assertThat(command).isEqualTo(new Deposit("a", new BigDecimal("12.50")));
        }

        @Test
        void an_unknown_type_name_is_a_typed_error_listing_the_known_names() {
            var thrown = catchThrowable(() -> bus().send(CommandEnvelope.of("java.lang.Runtime", "{}",
                CommandMetadata.empty())));
            assertThat(thrown).isInstanceOfSatisfying(UnknownMessageTypeException.class, e -> {
                assertThat(e.typeName()).isEqualTo("java.lang.Runtime");
                assertThat(e.knownTypes()).containsExactly("Deposit", "OpenAccount");
            });
            assertThat(store.headPosition().position()).isZero();
        }

        @Test
        void missing_and_unknown_fields_are_all_named_and_nothing_is_written() {
            var thrown = catchThrowable(() -> bus().send(CommandEnvelope.of("Deposit", "{\"acountId\":\"a\"}",
                CommandMetadata.empty())));
            assertThat(thrown).isInstanceOfSatisfying(ValidationException.class, e ->
                assertThat(e.violations()).extracting(Violation::field)
                    .containsExactlyInAnyOrder("accountId", "amount", "acountId"));
            assertThat(store.headPosition().position()).isZero();
        }

        @Test
        void a_field_of_the_wrong_type_is_named() {
            var thrown = catchThrowable(() -> bus().send(CommandEnvelope.of("Deposit",
                "{\"accountId\":\"a\",\"amount\":\"lots\"}", CommandMetadata.empty())));
            assertThat(thrown).isInstanceOfSatisfying(ValidationException.class, e ->
                assertThat(e.violations()).singleElement().satisfies(v -> {
                    assertThat(v.field()).isEqualTo("amount");
                    assertThat(v.message()).contains("lots");
                }));
        }

        @Test
        void malformed_json_and_non_objects_are_validation_errors_on_the_whole_message() {
            assertThatThrownBy(() -> CommandEnvelope.of("Deposit", "{\"accountId\":", CommandMetadata.empty()))
                .isInstanceOfSatisfying(ValidationException.class, e ->
                    assertThat(e.violations()).extracting(Violation::field).containsExactly("$"));
            assertThatThrownBy(() -> bus().send(CommandEnvelope.of("Deposit", "[1,2]", CommandMetadata.empty())))
                .isInstanceOf(ValidationException.class).hasMessageContaining("must be a JSON object");
        }

        record Checked(String name) {
            Checked {
                if (name.length() > 3) {
                    throw new IllegalArgumentException("name must be at most 3 characters (name: " + name + ")");
                }
            }
        }

        @Test
        void a_record_constructor_refusing_the_values_is_a_validation_error_with_its_message() {
            var bus = CommandBus.builder().handle("Checked", Checked.class, (c, x) -> null).build();
            var thrown = catchThrowable(() -> bus.send(CommandEnvelope.of("Checked", "{\"name\":\"toolong\"}",
                CommandMetadata.empty())));
            assertThat(thrown).isInstanceOfSatisfying(ValidationException.class, e ->
                assertThat(e.violations()).singleElement().satisfies(v ->
                    assertThat(v.message()).contains("name must be at most 3 characters")));
        }

        @Test
        void a_mapper_with_default_typing_is_refused() {
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            mapper.activateDefaultTyping(mapper.getPolymorphicTypeValidator());
            assertThatThrownBy(() -> CommandBus.builder().objectMapper(mapper))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("default typing");
        }
    }

    static List<String> names(List<Violation> violations) {
        return violations.stream().map(Violation::field).toList();
    }
}
