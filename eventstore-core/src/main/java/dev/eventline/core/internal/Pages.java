package dev.eventline.core.internal;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Turns a "fetch the next page after this cursor" function into a lazy stream, so no read holds everything. */
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
        Iterator<T> iterator = new Iterator<>() {
            private C cursor = start;
            private List<T> page = List.of();
            private int index;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (index < page.size()) {
                    return true;
                }
                if (exhausted) {
                    return false;
                }
                page = fetch.apply(cursor, pageSize);
                index = 0;
                if (page.size() < pageSize) {
                    exhausted = true;
                }
                if (!page.isEmpty()) {
                    cursor = cursorOf.apply(page.get(page.size() - 1));
                }
                return !page.isEmpty();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(index++);
            }
        };
        return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
