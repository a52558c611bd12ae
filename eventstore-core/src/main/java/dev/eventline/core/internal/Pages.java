package dev.eventline.core.internal;

import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Turns a "fetch the next page after this cursor" function into a lazy stream, so no read holds everything.
 * <p>
 * At most one page is held at a time, and nothing is held between the calls to {@code fetch}: a store that
 * borrows a connection inside {@code fetch} and returns it before handing back the page never keeps a connection
 * while the caller consumes the stream. The stream's spliterator walks the pages itself (no iterator adapter, no
 * {@code limit()} stage), since a replay pulls every event of a stream through it.
 */
public final class Pages {

    private Pages() {
    }

    /**
     * @param start the cursor before the first element
     * @param pageSize the most elements to fetch per call
     * @param fetch fetches up to {@code pageSize} elements after a cursor
     * @param cursorOf the cursor an element leaves behind
     * @param <C> the cursor type
     * @param <T> the element type
     * @return a lazy, ordered stream over every page until one comes back short
     */
    public static <C, T> Stream<T> stream(C start, int pageSize, BiFunction<C, Integer, List<T>> fetch,
                                          Function<T, C> cursorOf) {
        return stream(start, pageSize, Long.MAX_VALUE, fetch, cursorOf);
    }

    /**
     * @param start the cursor before the first element
     * @param pageSize the most elements to fetch per call, {@code >= 1}
     * @param limit the most elements the stream returns in all, {@code >= 0}; the last page asks only for what
     *     is still missing
     * @param fetch fetches up to the given number of elements after a cursor
     * @param cursorOf the cursor an element leaves behind
     * @param <C> the cursor type
     * @param <T> the element type
     * @return a lazy, ordered stream over the pages until one comes back short or {@code limit} is reached
     */
    public static <C, T> Stream<T> stream(C start, int pageSize, long limit, BiFunction<C, Integer, List<T>> fetch,
                                          Function<T, C> cursorOf) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1 (pageSize: " + pageSize + ")");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (limit: " + limit + ")");
        }
        return StreamSupport.stream(new PageSpliterator<>(start, pageSize, limit, Objects.requireNonNull(fetch,
            "fetch"), Objects.requireNonNull(cursorOf, "cursorOf")), false);
    }

    /** Walks the pages; not thread-safe, like every spliterator. */
    private static final class PageSpliterator<C, T> implements Spliterator<T> {

        private final int pageSize;
        private final BiFunction<C, Integer, List<T>> fetch;
        private final Function<T, C> cursorOf;
        private C cursor;
        private long remaining;
        private List<T> page = List.of();
        private int index;
        private boolean exhausted;

        PageSpliterator(C start, int pageSize, long limit, BiFunction<C, Integer, List<T>> fetch,
                        Function<T, C> cursorOf) {
            this.cursor = start;
            this.pageSize = pageSize;
            this.remaining = limit;
            this.fetch = fetch;
            this.cursorOf = cursorOf;
            this.exhausted = limit == 0;
        }

        /** @return true when {@link #page} has an element at {@link #index}, fetching the next page if needed */
        private boolean fill() {
            if (index < page.size()) {
                return true;
            }
            if (exhausted) {
                return false;
            }
            int ask = (int) Math.min(pageSize, remaining);
            page = List.of(); // let the previous page go before the next one is fetched
            index = 0;
            List<T> next = fetch.apply(cursor, ask);
            if (next.size() < ask || next.size() >= remaining) {
                exhausted = true;
            }
            if (next.size() > remaining) {
                next = next.subList(0, (int) remaining);
            }
            remaining -= next.size();
            if (!next.isEmpty()) {
                cursor = cursorOf.apply(next.get(next.size() - 1));
            }
            page = next;
            return !next.isEmpty();
        }

        @Override
        public boolean tryAdvance(Consumer<? super T> action) {
            if (!fill()) {
                return false;
            }
            action.accept(page.get(index++));
            return true;
        }

        @Override
        public void forEachRemaining(Consumer<? super T> action) {
            while (fill()) {
                List<T> current = page;
                int size = current.size();
                // consume the page in a tight loop; the index is kept in step in case the action throws
                while (index < size) {
                    action.accept(current.get(index++));
                }
            }
        }

        @Override
        public Spliterator<T> trySplit() {
            return null;
        }

        @Override
        public long estimateSize() {
            return exhausted ? page.size() - index : remaining;
        }

        @Override
        public int characteristics() {
            return ORDERED | NONNULL;
        }
    }
}
