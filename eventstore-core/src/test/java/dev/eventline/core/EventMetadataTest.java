package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventMetadataTest {

    @Test
    void extra_entries_are_sorted_by_key_whatever_the_input_order() {
        // given
        Map<String, String> input = new LinkedHashMap<>();
        input.put("zeta", "1");
        input.put("alpha", "2");
        input.put("mid", "3");
        // when
        EventMetadata metadata = new EventMetadata(null, null, null, null, input);
        // then
        assertThat(metadata.extra().keySet()).containsExactly("alpha", "mid", "zeta");
    }

    @Test
    void extra_is_copied_and_immutable() {
        // given
        Map<String, String> input = new HashMap<>(Map.of("k", "v"));
        EventMetadata metadata = new EventMetadata(null, null, null, null, input);
        // when
        input.put("later", "x");
        // then
        assertThat(metadata.extra()).containsOnlyKeys("k");
        assertThatThrownBy(() -> metadata.extra().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void null_extra_keys_values_and_maps_are_refused() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        assertThatThrownBy(() -> new EventMetadata(null, null, null, null, nullValue))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("k");
        assertThatThrownBy(() -> new EventMetadata(null, null, null, null, nullKey))
            .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new EventMetadata(null, null, null, null, null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("extra");
        assertThatThrownBy(() -> EventMetadata.empty().with(null, "v")).isInstanceOf(NullPointerException.class);
    }

    @Test
    void withers_return_copies_and_leave_the_original_unchanged() {
        // given
        EventMetadata original = EventMetadata.empty();
        // when
        EventMetadata full = original.withCorrelationId("corr").withCausationId("cause").withPrincipal("ada")
            .withTenant("acme").with("k", "v").with("k", "w");
        // then
        assertThat(original.isEmpty()).isTrue();
        assertThat(full).isEqualTo(new EventMetadata("corr", "cause", "ada", "acme", Map.of("k", "w")));
        assertThat(full.isEmpty()).isFalse();
    }

    @Test
    void any_one_field_makes_metadata_non_empty() {
        assertThat(EventMetadata.empty().withTenant("t").isEmpty()).isFalse();
        assertThat(EventMetadata.empty().with("k", "").isEmpty()).isFalse();
        assertThat(new EventMetadata(null, null, null, null, Map.of())).isEqualTo(EventMetadata.empty());
    }
}
