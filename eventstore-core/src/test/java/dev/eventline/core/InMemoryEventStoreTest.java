package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventline.core.integrity.HashChain;
import dev.eventline.core.integrity.IntegrityReport;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What is specific to the in-memory store; the shared behaviour is in {@link InMemoryEventStoreContractTest}. */
class InMemoryEventStoreTest {

    @Test
    void the_builder_refuses_null_settings_naming_them() {
        var builder = InMemoryEventStore.builder();
        assertThatThrownBy(() -> builder.clock(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> builder.hashChain(null)).isInstanceOf(NullPointerException.class)
            .hasMessage("hashChain");
        assertThatThrownBy(() -> builder.limits(null)).isInstanceOf(NullPointerException.class).hasMessage("limits");
    }

    @Test
    void a_store_with_a_keyed_chain_writes_checksums_only_that_key_verifies() {
        // given
        byte[] key = new byte[32];
        key[0] = 1;
        InMemoryEventStore store = InMemoryEventStore.builder().hashChain(HashChain.hmacSha256(key)).build();
        // when
        store.append("s", ExpectedVersion.any(), List.of(EventData.of("T", "{}"), EventData.of("T", "{}")));
        // then
        assertThat(store.verify("s")).isEqualTo(IntegrityReport.intact(2));
        try (Stream<RecordedEvent> events = store.readStream("s")) {
            assertThat(HashChain.sha256().verify("s", events.iterator(), 0, null).valid()).isFalse();
        }
    }

    @Test
    void in_memory_gives_a_new_empty_store_each_time() {
        // given
        EventStore first = EventStore.inMemory();
        first.append("s", ExpectedVersion.any(), List.of(EventData.of("T", "{}")));
        // when
        EventStore second = EventStore.inMemory();
        // then
        assertThat(second.streamVersion("s")).isZero();
        assertThat(second.headPosition()).isEqualTo(LogPosition.START);
    }

    @Test
    void positions_are_gapless_and_commit_order_equals_position() {
        // given
        InMemoryEventStore store = InMemoryEventStore.builder().build();
        store.append("a", ExpectedVersion.any(), List.of(EventData.of("T", "{}"), EventData.of("T", "{}")));
        store.append("b", ExpectedVersion.any(), List.of(EventData.of("T", "{}")));
        // when
        List<RecordedEvent> log = store.readAll(LogPosition.START, 10);
        // then
        assertThat(log).extracting(RecordedEvent::position)
            .containsExactly(LogPosition.of(1), LogPosition.of(2), LogPosition.of(3));
    }

    @Test
    void stream_count_counts_streams_with_events_only() {
        // given
        InMemoryEventStore store = InMemoryEventStore.builder().build();
        // when
        store.append("a", ExpectedVersion.any(), List.of(EventData.of("T", "{}")));
        store.append("b", ExpectedVersion.any(), List.of());
        store.append("a", ExpectedVersion.any(), List.of(EventData.of("T", "{}")));
        // then
        assertThat(store.streamCount()).isEqualTo(1);
        assertThat(store).hasToString("InMemoryEventStore[streams=1, events=2]");
    }
}
