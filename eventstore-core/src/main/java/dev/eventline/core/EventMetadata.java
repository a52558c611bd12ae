package dev.eventline.core;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Who and what caused an event: correlation and causation ids, the principal, the tenant and free entries.
 * <p>
 * Every field except {@code extra} may be {@code null} (absent); {@code extra} is never null. Metadata is part
 * of the hash chain, so it is stored exactly as given.
 *
 * @param correlationId the id shared by every message of one business flow, or null
 * @param causationId the id of the message that caused this event, or null
 * @param principal who issued the command, or null
 * @param tenant the tenant the event belongs to, or null
 * @param extra free string entries, sorted by key
 * @since 0.1
 */
public record EventMetadata(String correlationId, String causationId, String principal, String tenant,
                            Map<String, String> extra) {

    private static final EventMetadata EMPTY = new EventMetadata(null, null, null, null, Map.of());

    /** Copies {@code extra} into an immutable, key-sorted map. */
    public EventMetadata {
        Objects.requireNonNull(extra, "extra");
        extra.forEach((key, value) -> {
            Objects.requireNonNull(key, "extra key");
            Objects.requireNonNull(value, () -> "extra value of '" + key + "'");
        });
        extra = extra.isEmpty() ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(extra));
    }

    /** @return metadata with no entries */
    public static EventMetadata empty() {
        return EMPTY;
    }

    /**
     * @param correlationId the correlation id, or null
     * @return a copy with that correlation id
     */
    public EventMetadata withCorrelationId(String correlationId) {
        return new EventMetadata(correlationId, causationId, principal, tenant, extra);
    }

    /**
     * @param causationId the causation id, or null
     * @return a copy with that causation id
     */
    public EventMetadata withCausationId(String causationId) {
        return new EventMetadata(correlationId, causationId, principal, tenant, extra);
    }

    /**
     * @param principal the principal, or null
     * @return a copy with that principal
     */
    public EventMetadata withPrincipal(String principal) {
        return new EventMetadata(correlationId, causationId, principal, tenant, extra);
    }

    /**
     * @param tenant the tenant, or null
     * @return a copy with that tenant
     */
    public EventMetadata withTenant(String tenant) {
        return new EventMetadata(correlationId, causationId, principal, tenant, extra);
    }

    /**
     * @param key the entry's key
     * @param value the entry's value
     * @return a copy with that extra entry added or replaced
     */
    public EventMetadata with(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        var copy = new TreeMap<>(extra);
        copy.put(key, value);
        return new EventMetadata(correlationId, causationId, principal, tenant, copy);
    }

    /** @return true when no field is set */
    public boolean isEmpty() {
        return correlationId == null && causationId == null && principal == null && tenant == null
            && extra.isEmpty();
    }
}
