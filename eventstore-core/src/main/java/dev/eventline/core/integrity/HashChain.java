package dev.eventline.core.integrity;

import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.RecordedEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Computes and checks the per-stream hash chain that makes changes to stored events evident.
 * <p>
 * Each event's checksum is SHA-256 (or HMAC-SHA256 with a key) over a canonical, length-prefixed binary
 * encoding of the previous event's checksum in the same stream and this event's content: id, stream id,
 * version, recording time in microseconds, type, schema version, payload bytes and metadata (extra entries
 * sorted by key). The encoding does not depend on how a database stores JSON, so checksums survive any round
 * trip that keeps the payload bytes. The global position is not covered: it is assigned by the store and
 * changes on a branch or a restore.
 * <p>
 * What it can promise: without a key, it detects accidental corruption and naive edits, but someone who can
 * write to the database can recompute a consistent chain. With an HMAC key kept outside the database, nobody
 * without the key can forge a valid chain. Neither detects the newest events of a stream being deleted unless
 * the caller kept a head checksum (see {@link #verify(String, Iterator, long, String)}).
 * <p>
 * Thread-safety: safe for concurrent use.
 *
 * @since 0.1
 */
public final class HashChain {

    private static final byte[] DOMAIN = "eventline-chain-v1".getBytes(StandardCharsets.UTF_8);
    private static final HexFormat HEX = HexFormat.of();

    private final MessageDigest digestPrototype;
    private final Mac macPrototype;

    private HashChain(MessageDigest digestPrototype, Mac macPrototype) {
        this.digestPrototype = digestPrototype;
        this.macPrototype = macPrototype;
    }

    /** @return a chain of plain SHA-256 links (detects changes made without recomputing the chain) */
    public static HashChain sha256() {
        try {
            return new HashChain(MessageDigest.getInstance("SHA-256"), null);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("SHA-256 is not available in this JVM. Use a JVM with the standard "
                + "security providers.", e);
        }
    }

    /**
     * @param key the secret key, at least 32 bytes; keep it outside the database
     * @return a chain of HMAC-SHA256 links that nobody without the key can forge
     */
    public static HashChain hmacSha256(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < 32) {
            throw new ConfigurationException("HMAC key too short (length: " + key.length + " bytes). Use a random "
                + "key of at least 32 bytes.");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return new HashChain(null, mac);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("HmacSHA256 is not available in this JVM. Use a JVM with the standard "
                + "security providers.", e);
        }
    }

    /** @return true when links are HMACs under a secret key */
    public boolean isKeyed() {
        return macPrototype != null;
    }

    /**
     * Truncates an instant to the precision every store keeps (microseconds).
     *
     * @param instant an instant
     * @return the instant truncated to microseconds
     */
    public static Instant truncate(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /**
     * Computes an event's checksum.
     *
     * @param previousChecksum the checksum of the previous event in the stream, "" for version 1
     * @param eventId the event's id
     * @param streamId the event's stream
     * @param version the event's version
     * @param recordedAt the recording time (microsecond precision)
     * @param type the type name
     * @param schemaVersion the schema version
     * @param payload the payload bytes
     * @param metadata the metadata
     * @return the lowercase hex checksum
     */
    public String link(String previousChecksum, UUID eventId, String streamId, long version, Instant recordedAt,
                       String type, int schemaVersion, byte[] payload, EventMetadata metadata) {
        Sink sink = newSink();
        sink.bytes(DOMAIN);
        sink.string(previousChecksum);
        sink.longValue(eventId.getMostSignificantBits());
        sink.longValue(eventId.getLeastSignificantBits());
        sink.string(streamId);
        sink.longValue(version);
        sink.longValue(recordedAt.getEpochSecond() * 1_000_000L + recordedAt.getNano() / 1_000);
        sink.string(type);
        sink.longValue(schemaVersion);
        sink.bytes(payload);
        sink.nullableString(metadata.correlationId());
        sink.nullableString(metadata.causationId());
        sink.nullableString(metadata.principal());
        sink.nullableString(metadata.tenant());
        sink.longValue(metadata.extra().size());
        for (Map.Entry<String, String> entry : metadata.extra().entrySet()) {
            sink.string(entry.getKey());
            sink.string(entry.getValue());
        }
        return HEX.formatHex(sink.finish());
    }

    /**
     * Recomputes a stored event's checksum from its content.
     *
     * @param previousChecksum the checksum of the previous event in the stream, "" for version 1
     * @param event the stored event
     * @return the checksum its content should have
     */
    public String link(String previousChecksum, RecordedEvent event) {
        return link(previousChecksum, event.eventId(), event.streamId(), event.version(), event.recordedAt(),
            event.type(), event.schemaVersion(), event.payload(), event.metadata());
    }

    /**
     * Checks the chain of one stream.
     *
     * @param streamId the stream
     * @param events the stream's stored events in ascending version order
     * @param expectedVersion the version the caller last saw, or 0 to skip the tail check
     * @param expectedChecksum the checksum the caller kept for {@code expectedVersion}, or null to skip it
     * @return the first broken link, or an intact report
     */
    public IntegrityReport verify(String streamId, Iterator<RecordedEvent> events, long expectedVersion,
                                  String expectedChecksum) {
        String previous = "";
        long expectedNext = 1;
        long checked = 0;
        RecordedEvent current = events.hasNext() ? events.next() : null;
        while (current != null) {
            RecordedEvent next = events.hasNext() ? events.next() : null;
            checked++;
            if (current.version() != expectedNext) {
                IntegrityReport.Reason reason = current.version() > expectedNext
                    ? IntegrityReport.Reason.EVENT_MISSING : IntegrityReport.Reason.ORDER_CHANGED;
                return IntegrityReport.broken(checked, new IntegrityReport.Violation(streamId, expectedNext, reason,
                    "Stream '" + streamId + "' has version " + current.version() + " where version " + expectedNext
                        + " was expected"));
            }
            if (!link(previous, current).equals(current.checksum())) {
                long writtenAt = versionWrittenAt(current, next, events);
                IntegrityReport.Reason reason = writtenAt > 0
                    ? IntegrityReport.Reason.ORDER_CHANGED : IntegrityReport.Reason.CONTENT_CHANGED;
                String why = writtenAt > 0
                    ? "event " + current.eventId() + " was written at version " + writtenAt
                        + " but now stands at version " + current.version()
                    : "its checksum does not match its content (event " + current.eventId() + ")";
                return IntegrityReport.broken(checked, new IntegrityReport.Violation(streamId, current.version(),
                    reason, "Stream '" + streamId + "' is broken at version " + current.version() + ": " + why));
            }
            if (expectedChecksum != null && current.version() == expectedVersion
                && !expectedChecksum.equals(current.checksum())) {
                return IntegrityReport.broken(checked, new IntegrityReport.Violation(streamId, current.version(),
                    IntegrityReport.Reason.CONTENT_CHANGED, "Stream '" + streamId + "' was rewritten: version "
                        + expectedVersion + " has checksum " + current.checksum() + " but " + expectedChecksum
                        + " was kept for it"));
            }
            previous = current.checksum();
            expectedNext++;
            current = next;
        }
        long lastVersion = expectedNext - 1;
        if (expectedVersion > lastVersion) {
            return IntegrityReport.broken(checked, new IntegrityReport.Violation(streamId, lastVersion + 1,
                IntegrityReport.Reason.TAIL_TRUNCATED, "Stream '" + streamId + "' ends at version " + lastVersion
                    + " but was seen at version " + expectedVersion + ": its newest events were removed"));
        }
        return IntegrityReport.intact(checked);
    }

    /**
     * Finds where an event whose link is broken was originally written, by looking ahead in the stream: a moved
     * event's checksum still matches its content at its old version after its old predecessor. Its old
     * predecessor is either the event now just before that version (it stayed) or the event now at that version
     * (the two were swapped). Only runs on the failure path, so the extra hashing and the consumed iterator do not
     * matter.
     *
     * @return the version the event was written at, or 0 when its content no longer matches any place (changed)
     */
    private long versionWrittenAt(RecordedEvent misplaced, RecordedEvent next, Iterator<RecordedEvent> rest) {
        RecordedEvent before = misplaced;
        RecordedEvent candidate = next;
        while (candidate != null) {
            long version = candidate.version();
            if (linkAt(before.checksum(), misplaced, version).equals(misplaced.checksum())
                || linkAt(candidate.checksum(), misplaced, version).equals(misplaced.checksum())) {
                return version;
            }
            before = candidate;
            candidate = rest.hasNext() ? rest.next() : null;
        }
        return 0;
    }

    private String linkAt(String previousChecksum, RecordedEvent event, long version) {
        return link(previousChecksum, event.eventId(), event.streamId(), version, event.recordedAt(), event.type(),
            event.schemaVersion(), event.payload(), event.metadata());
    }

    /** Feeds the canonical encoding into a digest or MAC without building it in memory. */
    private Sink newSink() {
        try {
            return macPrototype != null ? new Sink(null, (Mac) macPrototype.clone())
                : new Sink((MessageDigest) digestPrototype.clone(), null);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("digest not cloneable", e);
        }
    }

    private static final class Sink {
        private final MessageDigest digest;
        private final Mac mac;
        private final ByteBuffer scratch = ByteBuffer.allocate(Long.BYTES);

        Sink(MessageDigest digest, Mac mac) {
            this.digest = digest;
            this.mac = mac;
        }

        void raw(byte[] bytes) {
            if (mac != null) {
                mac.update(bytes);
            } else {
                digest.update(bytes);
            }
        }

        void longValue(long value) {
            scratch.clear();
            scratch.putLong(value);
            raw(scratch.array());
        }

        void bytes(byte[] bytes) {
            longValue(bytes.length);
            raw(bytes);
        }

        void string(String value) {
            bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void nullableString(String value) {
            if (value == null) {
                longValue(-1);
            } else {
                string(value);
            }
        }

        byte[] finish() {
            return mac != null ? mac.doFinal() : digest.digest();
        }
    }
}
