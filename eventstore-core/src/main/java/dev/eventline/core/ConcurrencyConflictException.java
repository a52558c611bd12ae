package dev.eventline.core;

/**
 * An append's {@link ExpectedVersion} did not match the stream: somebody else wrote to it first.
 * <p>
 * Nothing was written. Reload the aggregate (or re-read the stream) and retry the command.
 *
 * @since 0.1
 */
public final class ConcurrencyConflictException extends EventStoreException {

    private final String streamId;
    private final ExpectedVersion expected;
    private final long actualVersion;

    /**
     * @param streamId the stream appended to
     * @param expected what the append expected
     * @param actualVersion the stream's version when the append was rejected (0 when it does not exist)
     * @param eventCount how many events the rejected append carried
     */
    public ConcurrencyConflictException(String streamId, ExpectedVersion expected, long actualVersion, int eventCount) {
        super("Append to stream '" + streamId + "' rejected: expected version " + expected + " but stream is at "
            + (actualVersion == 0 ? "no stream" : Long.toString(actualVersion)) + " (events: " + eventCount
            + "). Reload the aggregate and retry the command.");
        this.streamId = streamId;
        this.expected = expected;
        this.actualVersion = actualVersion;
    }

    /** @return the stream appended to */
    public String streamId() {
        return streamId;
    }

    /** @return what the append expected */
    public ExpectedVersion expected() {
        return expected;
    }

    /** @return the stream's version when the append was rejected, 0 when it does not exist */
    public long actualVersion() {
        return actualVersion;
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
