package dev.eventline.core.branch;

import dev.eventline.core.LogPosition;
import java.time.Instant;
import java.util.Objects;

/**
 * <b>Experimental.</b> What {@link Branches#describe} and {@link Branches#list} say about a branch.
 *
 * @param name the branch's name
 * @param parent the parent branch's name, {@link Branches#MAIN} for the main store
 * @param forkPosition the last parent position the branch sees
 * @param ownEventCount how many events were appended to the branch itself
 * @param createdAt when the branch was created
 * @since 0.1
 */
public record BranchInfo(String name, String parent, LogPosition forkPosition, long ownEventCount,
                         Instant createdAt) {

    /** Validates the fields. */
    public BranchInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(forkPosition, "forkPosition");
        Objects.requireNonNull(createdAt, "createdAt");
        if (ownEventCount < 0) {
            throw new IllegalArgumentException("ownEventCount must be >= 0 (ownEventCount: " + ownEventCount + ")");
        }
    }
}
