package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.jdbc.internal.StreamHeadCache;
import dev.eventline.jdbc.internal.StreamHeadCache.Head;
import org.junit.jupiter.api.Test;

/** The bounded memory of stream heads behind PostgreSQL's one-round-trip appends. */
class StreamHeadCacheTest {

    @Test
    void an_append_replaces_the_head_and_a_late_read_never_moves_it_back() {
        // given
        StreamHeadCache cache = new StreamHeadCache(10);
        cache.written("s", new Head(5, "c5"));
        // when: a read that started before the append finishes after it
        cache.read("s", new Head(3, "c3"));
        // then
        assertThat(cache.get("s")).isEqualTo(new Head(5, "c5"));
        cache.read("s", new Head(6, "c6"));
        assertThat(cache.get("s")).isEqualTo(new Head(6, "c6"));
        cache.forget("s");
        assertThat(cache.get("s")).isNull();
    }

    @Test
    void it_never_holds_more_streams_than_its_capacity() {
        // given
        StreamHeadCache cache = new StreamHeadCache(100);
        // when
        for (int i = 0; i < 1_000; i++) {
            cache.written("s-" + i, new Head(1, "c"));
        }
        // then: the newest is there, the bound holds
        assertThat(cache.size()).isLessThanOrEqualTo(100);
        assertThat(cache.get("s-999")).isEqualTo(new Head(1, "c"));
    }

    @Test
    void nonsense_is_refused() {
        assertThatThrownBy(() -> new StreamHeadCache(0)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("capacity");
        assertThatThrownBy(() -> new Head(-1, "c")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("version");
        assertThatThrownBy(() -> new Head(1, null)).isInstanceOf(NullPointerException.class);
    }
}
