package dev.eventline.core.upcast;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.eventline.core.serialization.EventSerializerTestAccess.recorded;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.SerializationException;
import dev.eventline.core.UnknownEventTypeException;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UpcastersTest {

    /** Generation 3 of the event: v1 had "name", v2 split it into first/last, v3 added a currency. */
    record AccountOpened(String firstName, String lastName, String currency) {
    }

    /** The newest name of an event first stored as "FundsAdded". */
    record MoneyDeposited(BigDecimal amount) {
    }

    /** v1 -> v2: split "name" into first and last name. */
    static final UnaryOperator<ObjectNode> SPLIT_NAME = node -> {
        String[] parts = node.remove("name").asText().split(" ", 2);
        return node.put("firstName", parts[0]).put("lastName", parts.length > 1 ? parts[1] : "");
    };

    /** v2 -> v3: accounts opened before currencies existed were in euros. */
    static final UnaryOperator<ObjectNode> ADD_CURRENCY = node -> node.put("currency", "EUR");

    static final Upcasters UPCASTERS = Upcasters.builder()
        .add("AccountOpened", 1, SPLIT_NAME)
        .add("AccountOpened", 2, ADD_CURRENCY)
        .rename("FundsAdded", 1, "MoneyDeposited")
        .build();

    static final EventSerializer SERIALIZER = EventSerializer.of(EventTypes.builder()
        .register("AccountOpened", AccountOpened.class, 3)
        .register("MoneyDeposited", MoneyDeposited.class, 2)
        .upcasters(UPCASTERS)
        .build());

    static ObjectNode json() {
        return JsonNodeFactory.instance.objectNode();
    }

    @Nested
    class EachUpcasterAlone {

        @Test
        void split_name_turns_one_name_into_first_and_last() {
            ObjectNode v2 = SPLIT_NAME.apply(json().put("name", "Ada King Lovelace"));
            assertThat(v2).isEqualTo(json().put("firstName", "Ada").put("lastName", "King Lovelace"));
        }

        @Test
        void add_currency_defaults_old_accounts_to_euros() {
            ObjectNode v3 = ADD_CURRENCY.apply(json().put("firstName", "Ada").put("lastName", "L"));
            assertThat(v3.get("currency").asText()).isEqualTo("EUR");
        }

        @Test
        void rename_changes_the_type_raises_the_version_and_keeps_the_payload() {
            JsonEvent renamed = UPCASTERS.upcast(new JsonEvent("FundsAdded", 1, json().put("amount", 5)));
            assertThat(renamed).isEqualTo(new JsonEvent("MoneyDeposited", 2, json().put("amount", 5)));
        }
    }

    @Nested
    class Chain {

        @Test
        void reads_three_generations_of_one_event_as_the_newest() {
            // given: one event of each generation, as stored over the years
            EventStore store = EventStore.inMemory();
            store.append("account-1", ExpectedVersion.noStream(), List.of(
                new EventData(UUID.randomUUID(), "AccountOpened", 1,
                    "{\"name\":\"Ada Lovelace\"}".getBytes(StandardCharsets.UTF_8), EventMetadata.empty()),
                new EventData(UUID.randomUUID(), "AccountOpened", 2,
                    "{\"firstName\":\"Ada\",\"lastName\":\"Lovelace\"}".getBytes(StandardCharsets.UTF_8),
                    EventMetadata.empty()),
                SERIALIZER.serialize(new AccountOpened("Ada", "Lovelace", "GBP"))));
            // when
            List<Object> read;
            try (var events = store.readStream("account-1")) {
                read = events.map(SERIALIZER::deserialize).toList();
            }
            // then
            assertThat(read).containsExactly(
                new AccountOpened("Ada", "Lovelace", "EUR"),
                new AccountOpened("Ada", "Lovelace", "EUR"),
                new AccountOpened("Ada", "Lovelace", "GBP"));
        }

        @Test
        void stored_events_are_never_rewritten() {
            // given
            EventStore store = EventStore.inMemory();
            store.append("account-1", ExpectedVersion.noStream(), List.of(EventData.of("AccountOpened",
                "{\"name\":\"Ada Lovelace\"}")));
            // when
            try (var events = store.readStream("account-1")) {
                events.forEach(SERIALIZER::deserialize);
            }
            // then
            try (var events = store.readStream("account-1")) {
                var stored = events.findFirst().orElseThrow();
                assertThat(stored.payloadAsString()).isEqualTo("{\"name\":\"Ada Lovelace\"}");
                assertThat(stored.schemaVersion()).isEqualTo(1);
            }
            assertThat(store.verify("account-1").valid()).isTrue();
        }

        @Test
        void reads_a_renamed_type_as_its_new_class() {
            var stored = recorded("FundsAdded", 1,
                "{\"amount\":12.50}");
            Object read = SERIALIZER.deserialize(stored);
            assertThat(read).isEqualTo(new MoneyDeposited(new BigDecimal("12.50")));
        }

        @Test
        void keeps_decimals_exact_through_the_json_tree() {
            var stored = recorded("FundsAdded", 1,
                "{\"amount\":0.10000000000000000001}");
            var read = (MoneyDeposited) SERIALIZER.deserialize(stored);
            assertThat(read.amount()).isEqualTo(new BigDecimal("0.10000000000000000001"));
        }

        @Test
        void an_event_with_no_matching_upcaster_is_returned_unchanged() {
            JsonEvent event = new JsonEvent("Other", 1, json().put("a", 1));
            assertThat(UPCASTERS.upcast(event)).isSameAs(event);
        }
    }

    @Nested
    class Failures {

        @Test
        void a_throwing_upcaster_becomes_an_upcasting_exception_naming_type_and_version() {
            // given
            var failing = Upcasters.builder().add("AccountOpened", 1, node -> {
                throw new IllegalStateException("boom");
            }).build();
            // when / then
            assertThatThrownBy(() -> failing.upcast(new JsonEvent("AccountOpened", 1, json())))
                .isInstanceOfSatisfying(UpcastingException.class, e -> {
                    assertThat(e.type()).isEqualTo("AccountOpened");
                    assertThat(e.fromVersion()).isEqualTo(1);
                    assertThat(e.getCause()).hasMessage("boom");
                    assertThat(e.isRetryable()).isFalse();
                })
                .isInstanceOf(SerializationException.class);
        }

        @Test
        void an_upcaster_that_skips_a_version_is_refused() {
            var skipping = Upcasters.builder()
                .register("A", 1, event -> new JsonEvent("A", 3, event.payload())).build();
            assertThatThrownBy(() -> skipping.upcast(new JsonEvent("A", 1, json())))
                .isInstanceOf(UpcastingException.class).hasMessageContaining("instead of 2");
        }

        @Test
        void an_upcaster_returning_null_is_refused() {
            var nothing = Upcasters.builder().register("A", 1, event -> null).build();
            assertThatThrownBy(() -> nothing.upcast(new JsonEvent("A", 1, json())))
                .isInstanceOf(UpcastingException.class).hasMessageContaining("null");
        }

        @Test
        void two_upcasters_for_the_same_step_are_a_configuration_error() {
            var builder = Upcasters.builder().add("A", 1, node -> node);
            assertThatThrownBy(() -> builder.rename("A", 1, "B"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("'A' from schema version 1");
        }

        @Test
        void a_rename_to_an_unregistered_type_is_an_unknown_type_on_read() {
            var serializer = EventSerializer.of(EventTypes.builder()
                .upcasters(Upcasters.builder().rename("Old", 1, "Gone").build()).build());
            var stored = recorded("Old", 1, "{}");
            assertThatThrownBy(() -> serializer.deserialize(stored))
                .isInstanceOf(UnknownEventTypeException.class);
            assertThat(serializer.deserializeOrRaw(stored)).isSameAs(stored);
        }
    }
}
