package dev.eventline.core.internal;

import dev.eventline.core.AppendLimits;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.InvalidEventException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/** The input checks every store runs before an append touches storage, so all stores refuse the same input. */
public final class AppendValidation {

    private AppendValidation() {
    }

    /**
     * @param streamId the stream id
     * @param expected the expected version
     * @param events the events
     * @param limits the limits to apply
     * @throws InvalidEventException when the input breaks a rule
     */
    public static void check(String streamId, ExpectedVersion expected, List<EventData> events, AppendLimits limits) {
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(events, "events");
        checkName("stream id", streamId, limits.maxStreamIdLength());
        if (events.size() > limits.maxEventsPerAppend()) {
            throw new InvalidEventException("Append to stream '" + streamId + "' refused: too many events (events: "
                + events.size() + ", limit: " + limits.maxEventsPerAppend() + "). Split the append.");
        }
        Set<UUID> ids = events.size() > 1 ? new HashSet<>(events.size() * 2) : null;
        for (EventData event : events) {
            Objects.requireNonNull(event, "events must not contain null");
            checkName("event type", event.type(), limits.maxTypeLength());
            long size = (long) event.payload().length + metadataBytes(streamId, event);
            if (size > limits.maxPayloadBytes()) {
                throw new InvalidEventException("Append to stream '" + streamId + "' refused: payload "
                    + (event.metadata().isEmpty() ? "of event " + event.eventId() + " is"
                        : "and metadata of event " + event.eventId() + " are") + " too large (bytes: " + size + ", limit: " + limits.maxPayloadBytes()
                    + "). Store large content elsewhere and reference it.");
            }
            if (ids != null && !ids.add(event.eventId())) {
                throw new InvalidEventException("Append to stream '" + streamId + "' refused: event id "
                    + event.eventId() + " appears twice in one batch. Give every event its own id.");
            }
        }
    }

    /**
     * @param what what the name names, for the message
     * @param name the name: non-blank, no NUL or other control characters, well-formed UTF-16, within the limit
     * @param maxLength the longest allowed length
     * @throws InvalidEventException when the name breaks a rule
     */
    public static void checkName(String what, String name, int maxLength) {
        Objects.requireNonNull(name, what);
        if (name.isBlank()) {
            throw new InvalidEventException("Invalid " + what + " '" + name + "': it must not be blank.");
        }
        if (name.length() > maxLength) {
            throw new InvalidEventException("Invalid " + what + ": too long (length: " + name.length() + ", limit: "
                + maxLength + "). Use a shorter id.");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                throw new InvalidEventException("Invalid " + what + " '" + escapeControls(name)
                    + "': it contains NUL (index: " + i + "), which databases cannot store. Remove it.");
            }
            if (Character.isISOControl(c)) {
                // line breaks and other control characters in ids forge log lines and break URLs and file names
                throw new InvalidEventException("Invalid " + what + " '" + escapeControls(name)
                    + "': it contains the control character U+" + String.format("%04X", (int) c) + " (index: " + i
                    + "). Remove it.");
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                    i++;
                    continue;
                }
                throw new InvalidEventException("Invalid " + what + ": it contains a lone surrogate (index: " + i
                    + "), which is not valid Unicode text. Fix the text's encoding.");
            }
            if (Character.isLowSurrogate(c)) {
                throw new InvalidEventException("Invalid " + what + ": it contains a lone surrogate (index: " + i
                    + "), which is not valid Unicode text. Fix the text's encoding.");
            }
        }
    }

    /**
     * Checks the metadata's text and returns its size as stored: the UTF-8 bytes of every field, key and value.
     * NUL and lone surrogates are refused because databases either reject them or silently replace them, and a
     * replaced character would make the stored event differ from the appended one.
     */
    private static long metadataBytes(String streamId, EventData event) {
        EventMetadata metadata = event.metadata();
        if (metadata.isEmpty()) {
            return 0;
        }
        long bytes = metadataText(streamId, event, "correlationId", metadata.correlationId())
            + metadataText(streamId, event, "causationId", metadata.causationId())
            + metadataText(streamId, event, "principal", metadata.principal())
            + metadataText(streamId, event, "tenant", metadata.tenant());
        for (Map.Entry<String, String> entry : metadata.extra().entrySet()) {
            bytes += metadataText(streamId, event, "extra key", entry.getKey())
                + metadataText(streamId, event, "extra value of '" + entry.getKey() + "'", entry.getValue());
        }
        return bytes;
    }

    private static long metadataText(String streamId, EventData event, String field, String value) {
        if (value == null) {
            return 0;
        }
        long bytes = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) {
                throw invalidMetadata(streamId, event, field, "NUL (index: " + i + "), which databases cannot store");
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                && Character.isLowSurrogate(value.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                throw invalidMetadata(streamId, event, field,
                    "a lone surrogate (index: " + i + "), which is not valid Unicode text");
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return bytes;
    }

    private static InvalidEventException invalidMetadata(String streamId, EventData event, String field,
                                                         String problem) {
        return new InvalidEventException("Append to stream '" + streamId + "' refused: metadata " + field
            + " of event " + event.eventId() + " contains " + problem + ". Fix the text.");
    }

    private static String escapeControls(String name) {
        StringBuilder escaped = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
