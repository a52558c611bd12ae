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
    /**
     * The encoding's size without its variable-length bytes: length prefixes of domain, previous checksum, stream,
     * type, payload and the four metadata strings (9), the id (2 longs), version, time, schema version and the
     * extra entries' count (4), each 8 bytes, plus the domain itself.
     */
    private static final int FIXED_SIZE = (9 + 2 + 4) * Long.BYTES + DOMAIN.length;

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
        // The canonical encoding is built in one array and hashed in one call: one digest update per field (about
        // twenty per event) cost more than the copy. The bytes are exactly those the field-by-field form fed in.
        byte[] previous = previousChecksum.getBytes(StandardCharsets.UTF_8);
        byte[] stream = streamId.getBytes(StandardCharsets.UTF_8);
        byte[] typeName = type.getBytes(StandardCharsets.UTF_8);
        byte[] correlationId = utf8OrNull(metadata.correlationId());
        byte[] causationId = utf8OrNull(metadata.causationId());
        byte[] principal = utf8OrNull(metadata.principal());
        byte[] tenant = utf8OrNull(metadata.tenant());
        Map<String, String> extra = metadata.extra();
        byte[][] extraBytes = new byte[extra.size() * 2][];
        int size = FIXED_SIZE + previous.length + stream.length + typeName.length + payload.length
            + lengthOf(correlationId) + lengthOf(causationId) + lengthOf(principal) + lengthOf(tenant);
        int e = 0;
        for (Map.Entry<String, String> entry : extra.entrySet()) {
            extraBytes[e] = entry.getKey().getBytes(StandardCharsets.UTF_8);
            extraBytes[e + 1] = entry.getValue().getBytes(StandardCharsets.UTF_8);
            size += 2 * Long.BYTES + extraBytes[e].length + extraBytes[e + 1].length;
            e += 2;
        }
        ByteBuffer encoding = ByteBuffer.allocate(size);
        putBytes(encoding, DOMAIN);
        putBytes(encoding, previous);
        encoding.putLong(eventId.getMostSignificantBits());
        encoding.putLong(eventId.getLeastSignificantBits());
        putBytes(encoding, stream);
        encoding.putLong(version);
        encoding.putLong(recordedAt.getEpochSecond() * 1_000_000L + recordedAt.getNano() / 1_000);
        putBytes(encoding, typeName);
        encoding.putLong(schemaVersion);
        putBytes(encoding, payload);
        putNullable(encoding, correlationId);
        putNullable(encoding, causationId);
        putNullable(encoding, principal);
        putNullable(encoding, tenant);
        encoding.putLong(extra.size());
        for (byte[] bytes : extraBytes) {
            putBytes(encoding, bytes);
        }
        return HEX.formatHex(hash(encoding.array()));
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

    private byte[] hash(byte[] encoding) {
        try {
            return macPrototype != null ? ((Mac) macPrototype.clone()).doFinal(encoding)
                : ((MessageDigest) digestPrototype.clone()).digest(encoding);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("digest not cloneable", e);
        }
    }

    private static byte[] utf8OrNull(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes a nullable string adds beyond its length prefix (already in {@link #FIXED_SIZE}). */
    private static int lengthOf(byte[] nullable) {
        return nullable == null ? 0 : nullable.length;
    }

    /** A length prefix (8 bytes, big-endian) and the bytes. */
    private static void putBytes(ByteBuffer encoding, byte[] bytes) {
        encoding.putLong(bytes.length);
        encoding.put(bytes);
    }

    /** A null string is the length -1 and no bytes, so that it differs from an empty one. */
    private static void putNullable(ByteBuffer encoding, byte[] bytes) {
        if (bytes == null) {
            encoding.putLong(-1);
        } else {
            putBytes(encoding, bytes);
        }
    }
}
