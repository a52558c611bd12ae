package dev.eventline.core.branch;

import dev.eventline.core.LogPosition;
import java.time.Instant;
import java.util.Objects;

/**
 * <b>Experimental.</b> A branch as a {@link BranchStorage} keeps it: an id that is never reused, so that a branch
 * deleted and created again under the same name never sees the old one's events.
 *
 * @param id the branch's unique id (a UUID in text form)
 * @param name the branch's name
 * @param parentId the parent branch's id, or "" when the parent is the main store
 * @param forkPosition the last parent position the branch sees
 * @param createdAt when the branch was created
 * @since 0.1
 */
public record BranchRecord(String id, String name, String parentId, LogPosition forkPosition, Instant createdAt) {

    /** Validates the fields. */
    public BranchRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parentId, "parentId");
        Objects.requireNonNull(forkPosition, "forkPosition");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** @return true when the parent is the main store */
    public boolean isTopLevel() {
        return parentId.isEmpty();
    }

    /**
     * The log position of the branch's own event with position number {@code number}: every own event shares the
     * fork's commit part, so own events sort after the fork and after each other by number alone.
     *
     * @param number the event's position number, greater than the fork's
     * @return its log position in the branch's log
     */
    public LogPosition positionOf(long number) {
        return new LogPosition(forkPosition.commit(), number);
    }
}
