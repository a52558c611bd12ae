package dev.eventline.core;

/**
 * A place in the global log: the cursor that subscribers, projections and sagas keep.
 * <p>
 * {@code position} is the event's unique global position, assigned when it is written. {@code commit} orders
 * the transactions that wrote events: on PostgreSQL it is the writing transaction's id ({@code xid8}); on
 * stores that serialize their appends (in-memory, H2) it equals {@code position}. The log is read in
 * {@code (commit, position)} order, and only where every earlier transaction has finished, so a reader that
 * resumes after a {@code LogPosition} never skips an event that committed late. Compare positions with
 * {@link #compareTo}, never by {@code position} alone.
 *
 * @param commit the order of the writing transaction, {@code >= 0}
 * @param position the event's global position, {@code >= 0}
 * @since 0.1
 */
public record LogPosition(long commit, long position) implements Comparable<LogPosition> {

    /** Before the first event of any log. */
    public static final LogPosition START = new LogPosition(0, 0);

    /** Validates both parts. */
    public LogPosition {
        if (commit < 0 || position < 0) {
            throw new IllegalArgumentException(
                "commit and position must be >= 0 (commit: " + commit + ", position: " + position + ")");
        }
    }

    /**
     * @param position a global position on a store whose commit order equals its position order
     * @return the log position with {@code commit == position}
     */
    public static LogPosition of(long position) {
        return new LogPosition(position, position);
    }

    /**
     * @param other another position
     * @return true when this position comes strictly after {@code other}
     */
    public boolean isAfter(LogPosition other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(LogPosition other) {
        int byCommit = Long.compare(commit, other.commit);
        return byCommit != 0 ? byCommit : Long.compare(position, other.position);
    }

    @Override
    public String toString() {
        return commit == position ? Long.toString(position) : commit + ":" + position;
    }
}
