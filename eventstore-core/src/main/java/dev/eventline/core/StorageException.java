package dev.eventline.core;

/**
 * The storage failed: the database is unreachable, a statement timed out, a connection died mid-transaction.
 * <p>
 * The operation either took effect entirely or not at all. When {@link #isRetryable()} is true (connection
 * failures, serialization failures, timeouts) the same call may be retried; appends are idempotent by event id,
 * so retrying an append whose outcome is unknown stores it at most once.
 *
 * @since 0.1
 */
public final class StorageException extends EventStoreException {

    private final String sqlState;
    private final boolean retryable;

    /**
     * @param message what failed and what to do
     * @param sqlState the SQLSTATE reported by the database, or null
     * @param retryable whether retrying may succeed
     * @param cause the underlying failure
     */
    public StorageException(String message, String sqlState, boolean retryable, Throwable cause) {
        super(message, cause);
        this.sqlState = sqlState;
        this.retryable = retryable;
    }

    /** @return the SQLSTATE reported by the database, or null when there was none */
    public String sqlState() {
        return sqlState;
    }

    @Override
    public boolean isRetryable() {
        return retryable;
    }
}
