package dev.eventline.core;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * An event as stored: what was appended plus where and when it was recorded and its hash-chain link.
 * <p>
 * {@code recordedAt} has microsecond precision on every store, so that it survives a round trip through
 * PostgreSQL unchanged. {@code checksum} is the lowercase hex SHA-256 (or HMAC-SHA256 when the store has a key)
 * over this event's canonical content and the previous event's checksum in the same stream; see
 * {@link dev.eventline.core.integrity.HashChain}. The payload array is shared, not copied: do not modify it.
 *
 * @param eventId the event's unique id
 * @param streamId the stream the event belongs to
 * @param version the event's version in its stream, 1, 2, 3… without gaps
 * @param position the event's place in the global log
 * @param recordedAt when the event was recorded (microsecond precision)
 * @param type the logical type name
 * @param schemaVersion the version of the payload's schema
 * @param payload the UTF-8 JSON payload, exactly as appended
 * @param metadata the event's metadata
 * @param checksum the hash-chain link, lowercase hex
 * @since 0.1
 */
public record RecordedEvent(UUID eventId, String streamId, long version, LogPosition position, Instant recordedAt,
                            String type, int schemaVersion, byte[] payload, EventMetadata metadata,
                            String checksum) {

    /** Validates every field. */
    public RecordedEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(position, "position");
        Objects.requireNonNull(recordedAt, "recordedAt");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(checksum, "checksum");
        if (version < 1) {
            throw new IllegalArgumentException("version must be >= 1 (version: " + version + ")");
        }
    }

    /** @return the event's global position (shorthand for {@code position().position()}) */
    public long globalPosition() {
        return position.position();
    }

    /** @return the payload decoded as UTF-8 text */
    public String payloadAsString() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    /** @return the appendable form of this event (same id, type, schema version, payload and metadata) */
    public EventData toEventData() {
        return new EventData(eventId, type, schemaVersion, payload, metadata);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RecordedEvent that
            && eventId.equals(that.eventId) && streamId.equals(that.streamId) && version == that.version
            && position.equals(that.position) && recordedAt.equals(that.recordedAt) && type.equals(that.type)
            && schemaVersion == that.schemaVersion && Arrays.equals(payload, that.payload)
            && metadata.equals(that.metadata) && checksum.equals(that.checksum);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, streamId, version, position, checksum);
    }

    @Override
    public String toString() {
        return "RecordedEvent[" + streamId + "@" + version + ", position=" + position + ", type=" + type
            + ", schemaVersion=" + schemaVersion + ", eventId=" + eventId + ", recordedAt=" + recordedAt
            + ", payload=" + payloadAsString() + ", metadata=" + metadata + "]";
    }
}
