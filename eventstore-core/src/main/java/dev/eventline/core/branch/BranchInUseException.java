package dev.eventline.core.branch;

import dev.eventline.core.EventStoreException;

/**
 * <b>Experimental.</b> A branch could not be deleted because other branches were forked from it.
 *
 * @since 0.1
 */
public final class BranchInUseException extends EventStoreException {

    private final String branch;

    /**
     * @param branch the branch that has branches of its own
     */
    public BranchInUseException(String branch) {
        super("Branch '" + branch + "' cannot be deleted: other branches were forked from it. Delete them first.");
        this.branch = branch;
    }

    /** @return the branch that has branches of its own */
    public String branch() {
        return branch;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
