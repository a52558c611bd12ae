package dev.eventline.examples.bank.app;

import dev.eventline.core.LogPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The log positions of recently appended events by their global position, so that a query's
 * {@code consistent_with} (a plain global position in the API) can be compared exactly with a read model's
 * checkpoint (a {@link LogPosition}: on PostgreSQL the commit order differs from the position order).
 * <p>
 * Bounded: the oldest entries are forgotten; see {@link BankQueries} for what happens then.
 * Thread-safety: safe for concurrent use.
 */
public final class RecentPositions {

    /** How many positions are kept: a few MB at most. */
    public static final int CAPACITY = 100_000;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<Long, LogPosition> positions = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, LogPosition> eldest) {
            return size() > CAPACITY;
        }
    };

    /** @param position the position of an event just appended */
    public void remember(LogPosition position) {
        lock.lock();
        try {
            positions.put(position.position(), position);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param globalPosition a global position
     * @return its log position, or null when it is not (or no longer) known
     */
    public LogPosition find(long globalPosition) {
        lock.lock();
        try {
            return positions.get(globalPosition);
        } finally {
            lock.unlock();
        }
    }
}
