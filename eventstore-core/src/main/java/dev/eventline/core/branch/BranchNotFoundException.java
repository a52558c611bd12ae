package dev.eventline.core.branch;

import dev.eventline.core.EventStoreException;

/**
 * <b>Experimental.</b> No branch of that name (or id) exists: it was never created, or it was deleted.
 *
 * @since 0.1
 */
public final class BranchNotFoundException extends EventStoreException {

    private final String branch;

    /**
     * @param branch the name (or id) of the missing branch
     */
    public BranchNotFoundException(String branch) {
        super("Branch '" + branch + "' does not exist (it was never created, or it was deleted). List the branches "
            + "and use one of them, or create it first.");
        this.branch = branch;
    }

    /** @return the name (or id) of the missing branch */
    public String branch() {
        return branch;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
