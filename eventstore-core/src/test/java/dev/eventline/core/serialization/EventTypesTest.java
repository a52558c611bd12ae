package dev.eventline.core.serialization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.upcast.Upcasters;
import org.junit.jupiter.api.Test;

class EventTypesTest {

    record Opened(String owner) {
    }

    record Closed() {
    }

    interface NotConcrete {
    }

    @Test
    void maps_names_to_classes_and_back_with_their_current_versions() {
        // given
        var types = EventTypes.builder().register("Opened", Opened.class, 2).register("Closed", Closed.class)
            .upcasters(Upcasters.builder().add("Opened", 1, node -> node).build()).build();
        // then
        assertThat(types.findName(Opened.class)).contains("Opened");
        assertThat(types.findJavaType("Closed")).contains(Closed.class);
        assertThat(types.currentVersion("Opened")).isEqualTo(2);
        assertThat(types.currentVersion("Closed")).isEqualTo(1);
        assertThat(types.names()).containsExactly("Opened", "Closed");
        assertThat(types.findJavaType("Unknown")).isEmpty();
        assertThat(types.findName(String.class)).isEmpty();
    }

    @Test
    void refuses_a_name_registered_twice() {
        var builder = EventTypes.builder().register("Opened", Opened.class);
        assertThatThrownBy(() -> builder.register("Opened", Closed.class))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("'Opened' is registered twice");
    }

    @Test
    void refuses_a_class_registered_twice() {
        var builder = EventTypes.builder().register("Opened", Opened.class);
        assertThatThrownBy(() -> builder.register("AccountOpened", Opened.class))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("registered twice")
            .hasMessageContaining("Upcasters.rename");
    }

    @Test
    void refuses_an_interface_because_it_cannot_be_instantiated() {
        assertThatThrownBy(() -> EventTypes.builder().register("X", NotConcrete.class))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot be instantiated");
    }

    @Test
    void refuses_blank_names_and_versions_below_one() {
        assertThatThrownBy(() -> EventTypes.builder().register(" ", Opened.class))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        assertThatThrownBy(() -> EventTypes.builder().register("Opened", Opened.class, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("currentVersion");
    }

    @Test
    void refuses_an_upcaster_that_would_lift_a_type_past_its_current_version() {
        var builder = EventTypes.builder().register("Opened", Opened.class, 2)
            .upcasters(Upcasters.builder().add("Opened", 2, node -> node).build());
        assertThatThrownBy(builder::build)
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("current version is 2");
    }

    @Test
    void currentVersion_of_an_unregistered_name_is_an_argument_error() {
        var types = EventTypes.builder().build();
        assertThatThrownBy(() -> types.currentVersion("Nope"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Nope");
    }
}
