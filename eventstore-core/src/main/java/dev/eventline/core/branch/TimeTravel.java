package dev.eventline.core.branch;

import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/**
 * <b>Experimental.</b> Read models as of an instant: a read-only view of a store's log as it was, and a fold over
 * the log up to an instant.
 * <p>
 * A view is an {@link EventStore} whose reads see the store's events up to a position (for an instant: the last
 * event in log order recorded at or before it), so any projection machinery runs over it unchanged and stops at
 * the view's head; appends to it throw {@link UnsupportedOperationException}. Aggregates have their own time
 * travel: {@code AggregateRepository.loadAsOf} and {@code loadAtVersion}. Events of a stream or of the log
 * between two instants come from {@link EventStore#readStreamBetween} and {@link EventStore#readAllBetween}.
 * <p>
 * Thread-safety: stateless; the views are safe for concurrent use.
 * <pre>{@code
 * // a projection's read model as of an instant, into a fresh instance (projections module):
 * var balances = new AccountBalances();
 * ProjectionRunner.builder(TimeTravel.viewAsOf(store, instant)).register(balances).build().catchUp();
 * // or any in-memory read model as a fold:
 * Map<String, Long> counts = TimeTravel.foldLogAsOf(store, instant, new HashMap<>(), (map, event) -> { ... });
 * }</pre>
 *
 * @since 0.1
 */
public final class TimeTravel {

    private TimeTravel() {
    }

    /**
     * @param store a store (or a branch)
     * @param instant the last recording time to see (inclusive)
     * @return a read-only view of the store's log as of {@code instant}
     */
    public static EventStore viewAsOf(EventStore store, Instant instant) {
        return Branches.view(Objects.requireNonNull(store, "store"), ForkPoint.asOf(instant));
    }

    /**
     * @param store a store (or a branch)
     * @param position the last position to see; not after the store's head
     * @return a read-only view of the store's log up to {@code position}
     */
    public static EventStore viewAt(EventStore store, LogPosition position) {
        return Branches.view(Objects.requireNonNull(store, "store"), ForkPoint.at(position));
    }

    /**
     * Folds every event of the log recorded at or before {@code instant}, in log order, into a state: the simplest
     * read model as of an instant.
     *
     * @param store a store (or a branch)
     * @param instant the last recording time to include
     * @param initial the empty read model
     * @param step applies one event, returning the new state (may mutate and return its argument)
     * @param <S> the read model's type
     * @return the read model as of {@code instant}
     */
    public static <S> S foldLogAsOf(EventStore store, Instant instant, S initial,
                                    BiFunction<S, RecordedEvent, S> step) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(instant, "instant");
        Objects.requireNonNull(step, "step");
        Instant end = instant.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        S state = initial;
        try (Stream<RecordedEvent> events = store.readAllBetween(Instant.EPOCH, end)) {
            Iterator<RecordedEvent> iterator = events.iterator();
            while (iterator.hasNext()) {
                state = step.apply(state, iterator.next());
            }
        }
        return state;
    }
}
