package dev.eventline.saga;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.core.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The runner's in-memory view of every saga instance: status and pending deadlines, for listing, metrics and
 * firing deadlines. Rebuilt from the saga records in the log when the runner starts, and updated directly by
 * the runner's own appends. Thread-safe.
 */
final class SagaIndex {

    /** Identifies an instance. */
    record Key(String sagaType, String sagaId) {
    }

    /** A deadline waiting to pass, ordered by due time. */
    record Due(Instant due, String deadlineId, Key key, String name) {
    }

    private static final Comparator<Due> BY_DUE = Comparator.comparing(Due::due).thenComparing(Due::deadlineId);

    private final ConcurrentHashMap<Key, SagaSummaryEntry> entries = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Due> dues = new ConcurrentSkipListSet<>(BY_DUE);

    /** The mutable entry behind a {@link SagaSummary}; only changed inside {@code entries.compute}. */
    private static final class SagaSummaryEntry {
        volatile long version;
        volatile SagaStatus status = SagaStatus.RUNNING;
        volatile Instant startedAt;
        volatile Instant updatedAt;
        volatile String reason;
        volatile List<Due> deadlines = List.of();
    }

    void apply(RecordedEvent event) {
        if (!SagaRecords.isSagaRecord(event) || SagaRecords.CHECKPOINT.equals(event.type())) {
            return;
        }
        JsonNode body = SagaRecords.read(event);
        var key = new Key(body.path("saga_type").asText(), body.path("saga_id").asText());
        entries.compute(key, (k, existing) -> {
            SagaSummaryEntry entry = existing;
            if (entry == null) {
                entry = new SagaSummaryEntry();
                entry.startedAt = event.recordedAt();
            }
            if (event.version() <= entry.version) {
                return entry;
            }
            entry.version = event.version();
            entry.updatedAt = event.recordedAt();
            switch (event.type()) {
                case SagaRecords.HANDLED, SagaRecords.RESUMED -> {
                    entry.status = SagaStatus.valueOf(body.path("status").asText());
                    entry.reason = body.hasNonNull("reason") ? body.get("reason").asText() : null;
                    var deadlines = new ArrayList<Due>();
                    if (entry.status == SagaStatus.RUNNING) {
                        for (JsonNode deadline : body.path("deadlines")) {
                            deadlines.add(new Due(Instant.parse(deadline.path("due").asText()),
                                deadline.path("id").asText(), k, deadline.path("name").asText()));
                        }
                    }
                    replaceDeadlines(entry, deadlines);
                }
                case SagaRecords.PARKED -> {
                    entry.status = SagaStatus.FAILED;
                    entry.reason = body.path("reason").asText();
                    replaceDeadlines(entry, List.of());
                }
                default -> {
                    // A received input changes neither status nor deadlines.
                }
            }
            return entry;
        });
    }

    private void replaceDeadlines(SagaSummaryEntry entry, List<Due> deadlines) {
        entry.deadlines.forEach(dues::remove);
        entry.deadlines = List.copyOf(deadlines);
        dues.addAll(deadlines);
    }

    /** Hands out (and forgets) the deadlines due at {@code now}; a later record may bring one back. */
    List<Due> takeDue(Instant now) {
        var due = new ArrayList<Due>();
        for (Due candidate : dues) {
            if (candidate.due().isAfter(now)) {
                break;
            }
            due.add(candidate);
        }
        return due;
    }

    void forget(Due due) {
        dues.remove(due);
    }

    SagaStatus status(Key key) {
        SagaSummaryEntry entry = entries.get(key);
        return entry == null ? null : entry.status;
    }

    List<Key> active() {
        var keys = new ArrayList<Key>();
        entries.forEach((key, entry) -> {
            if (entry.status.isActive()) {
                keys.add(key);
            }
        });
        return keys;
    }

    long count(String sagaType, SagaStatus status) {
        long count = 0;
        for (var e : entries.entrySet()) {
            if (e.getKey().sagaType().equals(sagaType) && e.getValue().status == status) {
                count++;
            }
        }
        return count;
    }

    List<SagaSummary> list(String sagaType, SagaStatus status) {
        var list = new ArrayList<SagaSummary>();
        entries.forEach((key, entry) -> {
            if ((sagaType == null || key.sagaType().equals(sagaType)) && (status == null || entry.status == status)) {
                var deadlines = new ArrayList<SagaDeadline>();
                for (Due due : entry.deadlines) {
                    deadlines.add(new SagaDeadline(due.name(), due.due()));
                }
                list.add(new SagaSummary(key.sagaType(), key.sagaId(), entry.status, entry.startedAt,
                    Objects.requireNonNullElse(entry.updatedAt, entry.startedAt), entry.reason, deadlines));
            }
        });
        list.sort(Comparator.comparing(SagaSummary::startedAt).thenComparing(SagaSummary::sagaType)
            .thenComparing(SagaSummary::sagaId));
        return list;
    }
}
