package dev.eventline.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class PagesTest {

    /** A source of the numbers 1..size, recording what each fetch asked for. */
    static final class Source {
        final long size;
        final List<long[]> asks = new ArrayList<>();
        final List<WeakReference<List<Long>>> pages = new ArrayList<>();

        Source(long size) {
            this.size = size;
        }

        List<Long> fetch(long after, int count) {
            asks.add(new long[] {after, count});
            List<Long> page = new ArrayList<>(LongStream.rangeClosed(after + 1, Math.min(size, after + count))
                .boxed().toList());
            pages.add(new WeakReference<>(page));
            return page;
        }

        Stream<Long> stream(int pageSize, long limit) {
            return Pages.stream(0L, pageSize, limit, this::fetch, value -> value);
        }
    }

    @Test
    void reads_every_page_until_one_comes_back_short() {
        // given
        Source source = new Source(25);
        // when
        List<Long> read = source.stream(10, Long.MAX_VALUE).toList();
        // then
        assertThat(read).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
        assertThat(source.asks).extracting(ask -> ask[0]).containsExactly(0L, 10L, 20L);
    }

    @Test
    void a_limit_stops_the_stream_and_the_last_page_asks_only_for_what_is_missing() {
        // given
        Source source = new Source(100);
        // when
        List<Long> read = source.stream(10, 23).toList();
        // then
        assertThat(read).hasSize(23).endsWith(23L);
        assertThat(source.asks).extracting(ask -> ask[1]).containsExactly(10L, 10L, 3L);
    }

    @Test
    void a_limit_of_a_whole_number_of_pages_fetches_no_extra_page() {
        // given
        Source source = new Source(100);
        // when
        long count = source.stream(10, 20).count();
        // then
        assertThat(count).isEqualTo(20);
        assertThat(source.asks).hasSize(2);
    }

    @Test
    void a_limit_of_zero_fetches_nothing() {
        // given
        Source source = new Source(100);
        // when
        long count = source.stream(10, 0).count();
        // then
        assertThat(count).isZero();
        assertThat(source.asks).isEmpty();
    }

    @Test
    void fetches_lazily_one_page_at_a_time() {
        // given
        Source source = new Source(100);
        Iterator<Long> iterator = source.stream(10, Long.MAX_VALUE).iterator();
        // when
        for (int i = 0; i < 11; i++) {
            iterator.next();
        }
        // then
        assertThat(source.asks).hasSize(2);
    }

    @Test
    void iterating_and_bulk_traversal_give_the_same_elements_with_intermediate_operations() {
        // given
        Source first = new Source(57);
        Source second = new Source(57);
        // when
        List<Long> iterated = new ArrayList<>();
        first.stream(8, 50).filter(value -> value % 3 != 0).iterator().forEachRemaining(iterated::add);
        List<Long> bulk = second.stream(8, 50).filter(value -> value % 3 != 0).toList();
        // then
        assertThat(iterated).isEqualTo(bulk).hasSize(34).doesNotContain(3L, 51L);
    }

    @Test
    void holds_no_earlier_page_while_the_caller_consumes_a_later_one() {
        // given
        Source source = new Source(10_000);
        Iterator<Long> iterator = source.stream(100, Long.MAX_VALUE).iterator();
        // when: well into the fifth page
        for (int i = 0; i < 450; i++) {
            iterator.next();
        }
        // then: the first four pages can be collected (memory stays bounded for any stream length)
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            System.gc();
            return source.pages.subList(0, 4).stream().allMatch(page -> page.get() == null);
        });
        assertThat(source.pages.get(4).get()).isNotNull();
        assertThat(iterator.next()).isEqualTo(451L);
    }
}
