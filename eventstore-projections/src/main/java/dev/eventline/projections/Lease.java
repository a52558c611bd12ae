package dev.eventline.projections;

import java.time.Instant;
import java.util.Objects;

/**
 * Who owns a projection now, and for what: live processing, or a rebuild.
 *
 * @param projection the projection (or shadow copy) the lease is for
 * @param owner the owning runner's id ({@link ProjectionRunner#ownerId()})
 * @param rebuilding true when the owner is rebuilding the projection; live starts are then refused
 * @param expiresAt when the lease lapses unless renewed
 * @since 0.1
 */
public record Lease(String projection, String owner, boolean rebuilding, Instant expiresAt) {

    /** Validates every field. */
    public Lease {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
