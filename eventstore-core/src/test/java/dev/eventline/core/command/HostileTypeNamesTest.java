package dev.eventline.core.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.EventStore;
import dev.eventline.core.UnknownMessageTypeException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.command.TestCommands.Deposit;
import dev.eventline.core.query.QueryBus;
import dev.eventline.core.query.QueryEnvelope;
import dev.eventline.core.query.QueryOptions;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY X-4: type names that name gadget classes, or Java's binary names of registered classes, never pick
 * a class. The registry maps names to classes explicitly; nothing in an envelope can name a class.
 */
class HostileTypeNamesTest {

    static final List<String> HOSTILE = List.of(
        "java.lang.Runtime",
        "com.sun.rowset.JdbcRowSetImpl",
        "org.springframework.context.support.ClassPathXmlApplicationContext",
        "org.springframework.beans.factory.config.PropertyPathFactoryBean",
        "dev.eventline.core.command.TestCommands$Deposit",
        "TestCommands$Deposit",
        "Deposit$1",
        "dev.eventline.core.command.TestCommands.Deposit",
        "[Ljava.lang.Runtime;");

    record Balance(String accountId) {
    }

    private final EventStore store = EventStore.inMemory();
    private final AtomicInteger handled = new AtomicInteger();

    private CommandBus bus() {
        return CommandBus.builder().handle("Deposit", Deposit.class, (command, context) -> {
            handled.incrementAndGet();
            return TestCommands.appendingTo(store).handle(command, context);
        }).build();
    }

    @Test
    void gadget_and_binary_class_names_are_unknown_command_and_query_types_and_nothing_runs() {
        var commands = bus();
        var queries = QueryBus.builder().handle("Balance", Balance.class, (query, context) -> {
            handled.incrementAndGet();
            return 0;
        }).build();
        for (String name : HOSTILE) {
            Throwable command = catchThrowable(() -> commands.send(CommandEnvelope.of(name,
                "{\"accountId\":\"a\",\"amount\":1}", CommandMetadata.empty())));
            Throwable query = catchThrowable(() -> queries.ask(QueryEnvelope.of(name, "{\"accountId\":\"a\"}",
                QueryOptions.defaults())));
            assertThat(command).as(name).isInstanceOfSatisfying(UnknownMessageTypeException.class,
                e -> assertThat(e.typeName()).isEqualTo(name));
            assertThat(query).as(name).isInstanceOf(UnknownMessageTypeException.class);
        }
        assertThat(handled).hasValue(0);
        assertThat(store.headPosition().position()).isZero();
    }

    @Test
    void type_hints_inside_a_registered_command_body_are_refused_not_followed() {
        for (String body : List.of(
            "{\"@class\":\"com.sun.rowset.JdbcRowSetImpl\",\"accountId\":\"a\",\"amount\":1}",
            "{\"accountId\":[\"com.sun.rowset.JdbcRowSetImpl\",{\"dataSourceName\":\"ldap://x/y\"}],\"amount\":1}",
            "{\"accountId\":\"a\",\"amount\":[\"java.math.BigDecimal\",1]}",
            "[\"dev.eventline.core.command.TestCommands$Deposit\",{\"accountId\":\"a\",\"amount\":1}]")) {
            Throwable thrown = catchThrowable(() -> bus().send(CommandEnvelope.of("Deposit", body,
                CommandMetadata.empty())));
            assertThat(thrown).as(body).isInstanceOf(ValidationException.class);
        }
        assertThat(handled).hasValue(0);
        assertThat(store.headPosition().position()).isZero();
    }

    @Test
    void a_registered_name_still_works_the_control() {
        bus().send(CommandEnvelope.of("Deposit", "{\"accountId\":\"a\",\"amount\":1}", CommandMetadata.empty()));
        assertThat(handled).hasValue(1);
    }
}
