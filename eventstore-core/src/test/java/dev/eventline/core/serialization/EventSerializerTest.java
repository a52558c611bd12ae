package dev.eventline.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.core.UnknownEventTypeException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventSerializerTest {

    record Deposited(String account, BigDecimal amount, Instant at) {
    }

    record Closed() {
    }

    record Dated(LocalDate day, List<String> tags) {
    }

    record Unregistered(String x) {
    }

    static final EventTypes TYPES = EventTypes.builder()
        .register("Deposited", Deposited.class)
        .register("Closed", Closed.class)
        .register("Dated", Dated.class, 3)
        .build();
    static final EventSerializer SERIALIZER = EventSerializer.of(TYPES);

    static RecordedEvent recorded(EventData data) {
        return new RecordedEvent(data.eventId(), "account-1", 1, LogPosition.of(1), Instant.EPOCH, data.type(),
            data.schemaVersion(), data.payload(), data.metadata(), "");
    }

    static RecordedEvent recorded(String type, int schemaVersion, String json) {
        return recorded(new EventData(UUID.randomUUID(), type, schemaVersion, json.getBytes(StandardCharsets.UTF_8),
            EventMetadata.empty()));
    }

    @Nested
    class Writing {

        @Test
        void writes_the_registered_type_name_and_current_schema_version() {
            // when
            EventData data = SERIALIZER.serialize(new Dated(LocalDate.of(2026, 1, 2), List.of("a")));
            // then
            assertThat(data.type()).isEqualTo("Dated");
            assertThat(data.schemaVersion()).isEqualTo(3);
            assertThat(data.payloadAsString()).isEqualTo("{\"day\":\"2026-01-02\",\"tags\":[\"a\"]}");
        }

        @Test
        void never_writes_java_class_names() {
            // when
            EventData data = SERIALIZER.serialize(new Deposited("a-1", new BigDecimal("1.50"), Instant.EPOCH));
            // then
            assertThat(data.payloadAsString()).doesNotContain("dev.eventline", "Deposited", "@class");
            assertThat(data.payloadAsString()).contains("\"at\":\"1970-01-01T00:00:00Z\"");
        }

        @Test
        void gives_each_event_a_fresh_id_and_keeps_the_metadata() {
            // given
            var metadata = EventMetadata.empty().withCorrelationId("c-1").withPrincipal("ada");
            // when
            EventData first = SERIALIZER.serialize(new Closed(), metadata);
            EventData second = SERIALIZER.serialize(new Closed(), metadata);
            // then
            assertThat(first.eventId()).isNotEqualTo(second.eventId());
            assertThat(first.metadata()).isEqualTo(metadata);
            assertThat(first.payloadAsString()).isEqualTo("{}");
        }

        @Test
        void refuses_an_unregistered_class_naming_the_fix() {
            assertThatThrownBy(() -> SERIALIZER.serialize(new Unregistered("x")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining(Unregistered.class.getName()).hasMessageContaining("Register it in EventTypes");
        }
    }

    @Nested
    class Reading {

        @Test
        void round_trips_a_record_with_exact_decimals_and_instants() {
            // given
            var event = new Deposited("a-1", new BigDecimal("12.50"), Instant.parse("2026-11-26T07:00:00.123456Z"));
            // when
            Object read = SERIALIZER.deserialize(recorded(SERIALIZER.serialize(event)));
            // then
            assertThat(read).isEqualTo(event);
            assertThat(((Deposited) read).amount().scale()).isEqualTo(2);
        }

        @Test
        void reads_as_a_requested_supertype_and_refuses_an_unrelated_one() {
            // given
            RecordedEvent stored = recorded(SERIALIZER.serialize(new Closed()));
            // then
            assertThat(SERIALIZER.deserialize(stored, Record.class)).isEqualTo(new Closed());
            assertThatThrownBy(() -> SERIALIZER.deserialize(stored, Deposited.class))
                .isInstanceOf(SerializationException.class).hasMessageContaining("not a " + Deposited.class.getName());
        }

        @Test
        void an_unknown_type_name_is_an_error_never_a_silent_drop() {
            // given
            RecordedEvent stored = recorded("java.lang.Runtime", 1, "{}");
            // when / then
            assertThatThrownBy(() -> SERIALIZER.deserialize(stored))
                .isInstanceOfSatisfying(UnknownEventTypeException.class,
                    e -> assertThat(e.typeName()).isEqualTo("java.lang.Runtime"));
        }

        @Test
        void raw_access_hands_back_unknown_events_unchanged_and_reads_known_ones() {
            // given
            RecordedEvent unknown = recorded("SomethingElse", 1, "{\"a\":1}");
            RecordedEvent known = recorded(SERIALIZER.serialize(new Closed()));
            // then
            assertThat(SERIALIZER.deserializeOrRaw(unknown)).isSameAs(unknown);
            assertThat(SERIALIZER.deserializeOrRaw(known)).isEqualTo(new Closed());
        }

        @Test
        void an_older_schema_version_without_upcasters_is_refused_not_misread() {
            assertThatThrownBy(() -> SERIALIZER.deserialize(recorded("Dated", 2, "{\"day\":\"2026-01-02\"}")))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("schema version 2").hasMessageContaining("Register upcasters");
        }

        @Test
        void a_newer_schema_version_than_the_application_knows_is_refused() {
            assertThatThrownBy(() -> SERIALIZER.deserialize(recorded("Closed", 2, "{}")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("newer version of the application");
        }

        @Test
        void a_payload_with_an_unknown_property_is_refused_so_shape_changes_are_caught() {
            assertThatThrownBy(() -> SERIALIZER.deserialize(recorded("Closed", 1, "{\"reason\":\"x\"}")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("upcaster");
        }

        @Test
        void upcast_returns_the_json_tree_without_binding_a_class() {
            // when
            var json = SERIALIZER.upcast(recorded("SomethingElse", 4, "{\"amount\":0.10}"));
            // then
            assertThat(json.type()).isEqualTo("SomethingElse");
            assertThat(json.schemaVersion()).isEqualTo(4);
            assertThat(json.payload().get("amount").decimalValue()).isEqualTo(new BigDecimal("0.10"));
        }
    }

    @Nested
    class DefaultObjectMapper {

        final EventSerializer serializer = EventSerializer.of(TYPES);

        @Test
        void refuses_deeply_nested_payloads() {
            String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
            assertThatThrownBy(() -> serializer.upcast(recorded("X", 1, deep)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("nesting depth");
        }

        @Test
        void refuses_overlong_numbers() {
            String json = "{\"a\":" + "9".repeat(2_000) + "}";
            assertThatThrownBy(() -> serializer.upcast(recorded("X", 1, json)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Number value length");
        }

        @Test
        void refuses_duplicate_keys() {
            assertThatThrownBy(() -> serializer.deserialize(recorded("Deposited", 1,
                "{\"account\":\"a\",\"account\":\"b\",\"amount\":1,\"at\":null}")))
                .isInstanceOf(SerializationException.class).hasMessageContaining("Duplicate field");
        }

        @Test
        void refuses_overlong_strings() {
            String json = "{\"account\":\"" + "x".repeat(EventSerializer.DEFAULT_MAX_STRING_LENGTH + 1) + "\"}";
            assertThatThrownBy(() -> serializer.deserialize(recorded("Deposited", 1, json)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("String value length");
        }

        @Test
        void has_no_default_typing() {
            ObjectMapper mapper = EventSerializer.defaultObjectMapper();
            assertThat(mapper.getPolymorphicTypeValidator()).isNotNull();
            assertThat(mapper.getDeserializationConfig().getDefaultTyper(null)).isNull();
        }

        @Test
        void a_custom_object_mapper_is_used() {
            // given: a mapper that tolerates unknown properties
            var lenient = EventSerializer.defaultObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            var custom = EventSerializer.builder(TYPES).objectMapper(lenient).build();
            // then
            assertThat(custom.deserialize(recorded("Closed", 1, "{\"reason\":\"x\"}"))).isEqualTo(new Closed());
            assertThat(custom.objectMapper()).isSameAs(lenient);
        }
    }
}
