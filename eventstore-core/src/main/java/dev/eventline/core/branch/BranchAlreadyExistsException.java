package dev.eventline.core.branch;

import dev.eventline.core.EventStoreException;

/**
 * <b>Experimental.</b> A branch could not be created because a branch of that name exists.
 *
 * @since 0.1
 */
public final class BranchAlreadyExistsException extends EventStoreException {

    private final String branch;

    /**
     * @param branch the name that is taken
     */
    public BranchAlreadyExistsException(String branch) {
        super("Branch '" + branch + "' already exists. Pick another name, or delete the existing branch first.");
        this.branch = branch;
    }

    /** @return the name that is taken */
    public String branch() {
        return branch;
    }

    @Override
    public boolean isRetryable() {
        return false;
    }
}
