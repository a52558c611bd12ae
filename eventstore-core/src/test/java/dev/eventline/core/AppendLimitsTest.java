package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AppendLimitsTest {

    @Test
    void defaults_are_the_documented_constants() {
        AppendLimits defaults = AppendLimits.defaults();
        assertThat(defaults.maxStreamIdLength()).isEqualTo(AppendLimits.DEFAULT_MAX_STREAM_ID_LENGTH).isEqualTo(200);
        assertThat(defaults.maxTypeLength()).isEqualTo(AppendLimits.DEFAULT_MAX_TYPE_LENGTH);
        assertThat(defaults.maxPayloadBytes()).isEqualTo(1024 * 1024);
        assertThat(defaults.maxEventsPerAppend()).isEqualTo(10_000);
    }

    @Test
    void limits_below_one_are_refused_naming_every_value() {
        assertThatThrownBy(() -> new AppendLimits(0, 1, 1, 1)).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("maxStreamIdLength: 0");
        assertThatThrownBy(() -> new AppendLimits(1, 1, -1, 1)).isInstanceOf(ConfigurationException.class)
            .hasMessageContaining("maxPayloadBytes: -1");
        assertThatThrownBy(() -> AppendLimits.defaults().withMaxPayloadBytes(0))
            .isInstanceOf(ConfigurationException.class);
    }

    @Test
    void with_max_payload_bytes_changes_only_that_limit() {
        AppendLimits changed = AppendLimits.defaults().withMaxPayloadBytes(10);
        assertThat(changed).isEqualTo(new AppendLimits(200, 200, 10, 10_000));
        assertThat(AppendLimits.defaults().maxPayloadBytes()).isEqualTo(1024 * 1024);
    }

    @Test
    void a_store_applies_configured_limits_at_and_just_over_each_boundary() {
        // given
        EventStore store = InMemoryEventStore.builder().limits(new AppendLimits(5, 4, 8, 3)).build();
        // then: at the limit is fine
        store.append("abcde", ExpectedVersion.any(), List.of(EventData.of("Type", "[123456]")));
        store.append("s", ExpectedVersion.any(), IntStream.range(0, 3).mapToObj(i -> EventData.of("T", "{}")).toList());
        // and one over is refused, with nothing written
        LogPosition head = store.headPosition();
        assertThat(catchThrowable(() -> store.append("abcdef", ExpectedVersion.any(), List.of(EventData.of("T", "{}")))))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("length: 6").hasMessageContaining("limit: 5");
        assertThat(catchThrowable(() -> store.append("s", ExpectedVersion.any(), List.of(EventData.of("Types", "{}")))))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("event type");
        assertThat(catchThrowable(() -> store.append("s", ExpectedVersion.any(), List.of(EventData.of("T", "[1234567]")))))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("bytes: 9").hasMessageContaining("limit: 8");
        assertThat(catchThrowable(() -> store.append("s", ExpectedVersion.any(),
            IntStream.range(0, 4).mapToObj(i -> EventData.of("T", "{}")).toList())))
            .isInstanceOf(InvalidEventException.class).hasMessageContaining("events: 4");
        assertThat(store.headPosition()).isEqualTo(head);
    }

    @Test
    void payload_limits_count_utf8_bytes_not_characters() {
        // given: "é" is two bytes in UTF-8
        EventStore store = InMemoryEventStore.builder().limits(AppendLimits.defaults().withMaxPayloadBytes(5)).build();
        // when
        Throwable thrown = catchThrowable(() ->
            store.append("s", ExpectedVersion.any(), List.of(EventData.of("T", "\"éé\""))));
        // then
        assertThat(thrown).isInstanceOf(InvalidEventException.class).hasMessageContaining("bytes: 6");
    }
}
