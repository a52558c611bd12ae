package dev.eventline.projections;

import dev.eventline.core.EventStoreException;
import java.time.Instant;

/**
 * A projection could not start (or a second rebuild could not begin) because a rebuild of it is running.
 * <p>
 * Two writers into one read model during a rebuild would mix old and new rows. Wait for the rebuild to finish
 * (the owner's status shows {@link ProjectionState#REBUILDING}), or, if its owner died, until its lease expires.
 *
 * @since 0.1
 */
public final class ProjectionRebuildingException extends EventStoreException {

    private final String projection;
    private final String owner;

    /**
     * @param projection the projection
     * @param owner the id of the runner rebuilding it
     * @param leaseExpiresAt when the rebuild's lease lapses unless renewed
     */
    public ProjectionRebuildingException(String projection, String owner, Instant leaseExpiresAt) {
        super("projection '" + projection + "' is being rebuilt by runner '" + owner + "' (lease until "
            + leaseExpiresAt + "); a live instance must not run beside a rebuild. Start it after the rebuild "
            + "finishes, or after the lease expires if that runner died.");
        this.projection = projection;
        this.owner = owner;
    }

    /** @return the projection */
    public String projection() {
        return projection;
    }

    /** @return the id of the runner rebuilding it */
    public String owner() {
        return owner;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
