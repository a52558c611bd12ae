package dev.eventline.core.testkit;

import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;

/**
 * An {@link EventStore} under test together with raw hooks that change its stored rows behind its back, the way
 * someone with write access to the database could (on a JDBC store: plain SQL {@code UPDATE} and
 * {@code DELETE}). The hooks must not recompute checksums: they play an attacker or a disk that does not know the
 * chain.
 * <p>
 * Used by {@link TamperContract}. Every hook names an event by its stream and its stored version.
 *
 * @since 0.1
 */
public interface TamperableStore extends AutoCloseable {

    /** @return the store under test, which reads the changed rows */
    EventStore store();

    /**
     * Replaces the stored payload of one event, keeping its checksum.
     *
     * @param streamId the event's stream
     * @param version the event's version
     * @param newPayload the new payload bytes (valid UTF-8 JSON)
     */
    void changePayload(String streamId, long version, byte[] newPayload);

    /**
     * Replaces the stored type name of one event, keeping its checksum.
     *
     * @param streamId the event's stream
     * @param version the event's version
     * @param newType the new type name
     */
    void changeType(String streamId, long version, String newType);

    /**
     * Replaces the stored metadata of one event, keeping its checksum.
     *
     * @param streamId the event's stream
     * @param version the event's version
     * @param newMetadata the new metadata
     */
    void changeMetadata(String streamId, long version, EventMetadata newMetadata);

    /**
     * Moves one event's row to another stream, keeping its version, content and checksum.
     *
     * @param streamId the event's stream
     * @param version the event's version (free in {@code newStreamId})
     * @param newStreamId the stream the row is moved to
     */
    void changeStreamId(String streamId, long version, String newStreamId);

    /**
     * Gives one event's row another version, keeping its content and checksum.
     *
     * @param streamId the event's stream
     * @param version the event's version
     * @param newVersion a version not used in the stream
     */
    void changeVersion(String streamId, long version, long newVersion);

    /**
     * Deletes one event's row.
     *
     * @param streamId the event's stream
     * @param version the event's version
     */
    void deleteEvent(String streamId, long version);

    /**
     * Exchanges the versions of two events of one stream: the row written at {@code a} now says {@code b} and the
     * other way round; everything else about the rows (content, checksum, global position) stays.
     *
     * @param streamId the stream
     * @param a one version
     * @param b another version
     */
    void swapVersions(String streamId, long a, long b);

    /** Closes the store when it is {@link AutoCloseable}; override to release more. */
    @Override
    default void close() throws Exception {
        if (store() instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
