package dev.eventline.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.core.serialization.EventTypes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class EventIdsTest {

    /** Unsigned byte order, the order PostgreSQL and H2 sort uuid columns (and their unique indexes) by. */
    private static int compareBytes(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }

    private static long millisOf(UUID id) {
        return id.getMostSignificantBits() >>> 16;
    }

    @Test
    void ids_are_version_7_with_the_rfc_variant() {
        // when
        UUID id = EventIds.next();

        // then
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void the_embedded_time_is_the_time_the_id_was_made() {
        // given
        long before = System.currentTimeMillis();

        // when
        UUID id = EventIds.next();
        long after = System.currentTimeMillis();

        // then (ids taken faster than 4,096 per millisecond may run a few milliseconds ahead of the clock)
        assertThat(millisOf(id)).isBetween(before, after + 1_000);
    }

    @Test
    void ids_taken_one_after_another_keep_growing_even_within_one_millisecond() {
        // given
        int count = 20_000;
        List<UUID> ids = new ArrayList<>(count);

        // when (far more than one id per millisecond, so the counter and its carry into the time are exercised)
        for (int i = 0; i < count; i++) {
            ids.add(EventIds.next());
        }

        // then
        List<String> disorder = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            UUID previous = ids.get(i - 1);
            UUID current = ids.get(i);
            if (current.compareTo(previous) <= 0 || compareBytes(current, previous) <= 0) {
                disorder.add(i + ": " + previous + " then " + current);
            }
        }
        assertThat(disorder).isEmpty();
        assertThat(new HashSet<>(ids)).hasSize(count);
    }

    @Test
    void ids_taken_on_many_threads_at_once_are_unique_and_each_thread_sees_them_grow() throws Exception {
        // given
        int threads = 8;
        int perThread = 5_000;
        Set<UUID> all = ConcurrentHashMap.newKeySet();
        List<String> disorder = new ArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                UUID previous = null;
                for (int i = 0; i < perThread; i++) {
                    UUID id = EventIds.next();
                    all.add(id);
                    if (previous != null && compareBytes(id, previous) <= 0) {
                        synchronized (disorder) {
                            disorder.add(previous + " then " + id);
                        }
                    }
                    previous = id;
                }
            }, "event-ids-test-" + t);
            workers.add(worker);
            worker.start();
        }

        // when
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }

        // then
        assertThat(disorder).isEmpty();
        assertThat(all).hasSize(threads * perThread);
    }

    @Test
    void events_made_by_the_library_get_time_ordered_ids() {
        // given
        EventSerializer serializer = EventSerializer.of(EventTypes.builder().register("Opened", Opened.class)
            .build());

        // when
        UUID first = EventData.of("Opened", "{}").eventId();
        UUID second = serializer.serialize(new Opened("acc-1"), EventMetadata.empty()).eventId();

        // then
        assertThat(first.version()).isEqualTo(7);
        assertThat(second.version()).isEqualTo(7);
        assertThat(second).isGreaterThan(first);
    }

    record Opened(String accountId) {
    }
}
