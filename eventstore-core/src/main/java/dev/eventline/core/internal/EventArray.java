package dev.eventline.core.internal;

import dev.eventline.core.RecordedEvent;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * An append-only array of events that one writer at a time extends and any number of readers read without
 * locking: elements are written before the volatile size that publishes them, so a reader that reads the size
 * first sees every element below it.
 */
public final class EventArray {

    private volatile RecordedEvent[] items = new RecordedEvent[16];
    private volatile int size;

    /**
     * Appends events; callers must hold the store's write lock.
     *
     * @param events the events to publish at once
     */
    public void addAll(List<RecordedEvent> events) {
        RecordedEvent[] array = items;
        int current = size;
        int needed = current + events.size();
        if (needed > array.length) {
            array = Arrays.copyOf(array, Math.max(needed, array.length * 2));
        }
        for (int i = 0; i < events.size(); i++) {
            array[current + i] = events.get(i);
        }
        items = array;
        size = needed;
    }

    /** @return how many events are published */
    public int size() {
        return size;
    }

    /**
     * @param index an index below a {@link #size()} read earlier
     * @return the event at that index
     */
    public RecordedEvent get(int index) {
        return items[index];
    }

    /**
     * A sized stream straight over the backing array (no per-element index arithmetic or boxing): what a replay
     * iterates.
     *
     * @param from the first index, inclusive
     * @param to the end index, exclusive, at most a {@link #size()} read earlier
     * @return the events at {@code [from, to)}, in order
     */
    public Stream<RecordedEvent> stream(int from, int to) {
        // items is read after the size the caller read: it holds every element below that size
        return Arrays.stream(items, from, to);
    }
}
