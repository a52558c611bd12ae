package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A client that retries every logical append with the same event ids until it is acknowledged (the UNKNOWN rule of
 * RELIABILITY.md), keeps a model of what each stream must hold, and checks the database against it afterwards: every
 * logical append present exactly once, nothing lost, doubled or reordered.
 * <p>
 * Thread-safety: one writer per stream; different threads may use disjoint streams.
 */
final class LogicalAppends {

    private final EventStore store;
    private final Map<String, List<UUID>> model = new ConcurrentHashMap<>();
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong longestCallNanos = new AtomicLong();
    private final int maxAttempts;
    private final long pauseMillis;

    LogicalAppends(EventStore store, int maxAttempts, long pauseMillis) {
        this.store = store;
        this.maxAttempts = maxAttempts;
        this.pauseMillis = pauseMillis;
    }

    /**
     * Appends a new batch and retries it, unchanged, until the store acknowledges it.
     *
     * @param stream the stream (one writer per stream)
     * @param count how many events
     * @param exact true: {@code EXACT(model version)}; false: {@code ANY}
     * @param beforeEachCall run before every call (arms faults)
     * @return the acknowledged result
     */
    AppendResult append(String stream, int count, boolean exact, Runnable beforeEachCall) {
        List<UUID> events = model.computeIfAbsent(stream, s -> new ArrayList<>());
        long version = events.size();
        List<EventData> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // Payloads must not contain the word the proxy looks for; these never do.
            batch.add(EventData.of("Step", "{\"stream\":\"" + stream + "\",\"version\":" + (version + i + 1) + "}"));
        }
        ExpectedVersion expected = exact ? ExpectedVersion.exactly(version) : ExpectedVersion.any();
        StorageException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            beforeEachCall.run();
            long began = System.nanoTime();
            try {
                AppendResult result = store.append(stream, expected, batch);
                record(began);
                assertThat(result.previousVersion()).as("acknowledged append to %s", stream).isEqualTo(version);
                assertThat(result.currentVersion()).isEqualTo(version + count);
                assertThat(result.events()).extracting(RecordedEvent::eventId)
                    .containsExactlyElementsOf(batch.stream().map(EventData::eventId).toList());
                batch.forEach(e -> events.add(e.eventId()));
                acknowledged.incrementAndGet();
                return result;
            } catch (StorageException e) {
                // Conflicts are not caught: after an unknown outcome the store must return the original result.
                record(began);
                failedCalls.incrementAndGet();
                assertThat(e.isRetryable()).as("only transient failures are expected, got: %s", e).isTrue();
                last = e;
                pause();
            }
        }
        throw new AssertionError("append to " + stream + " not acknowledged after " + maxAttempts + " attempts",
            last);
    }

    private void record(long began) {
        longestCallNanos.accumulateAndGet(System.nanoTime() - began, Math::max);
    }

    private void pause() {
        try {
            Thread.sleep(pauseMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    long failedCalls() {
        return failedCalls.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    Duration longestCall() {
        return Duration.ofNanos(longestCallNanos.get());
    }

    long eventsWritten() {
        return model.values().stream().mapToLong(List::size).sum();
    }

    /**
     * Checks, through a store that does not go through any fault, that each stream holds exactly the acknowledged
     * events in order, and that the log since {@code start} holds each of them once, in stream order.
     *
     * @return how many events were checked
     */
    long verify(EventStore direct, LogPosition start) {
        for (Map.Entry<String, List<UUID>> stream : model.entrySet()) {
            List<RecordedEvent> stored = direct.readStream(stream.getKey()).toList();
            assertThat(stored).as("stream %s", stream.getKey()).extracting(RecordedEvent::eventId)
                .containsExactlyElementsOf(stream.getValue());
            for (int i = 0; i < stored.size(); i++) {
                assertThat(stored.get(i).version()).isEqualTo(i + 1);
            }
            assertThat(direct.verify(stream.getKey()).valid()).as("hash chain of %s", stream.getKey()).isTrue();
        }
        List<RecordedEvent> log = direct.readAll(start).toList();
        Set<UUID> seen = new HashSet<>();
        Map<String, Long> lastVersion = new HashMap<>();
        LogPosition previous = start;
        for (RecordedEvent event : log) {
            assertThat(seen.add(event.eventId())).as("event %s appears once in the log", event.eventId()).isTrue();
            assertThat(event.position().isAfter(previous)).as("log positions increase").isTrue();
            previous = event.position();
            long before = lastVersion.getOrDefault(event.streamId(), 0L);
            assertThat(event.version()).as("log order of %s", event.streamId()).isEqualTo(before + 1);
            lastVersion.put(event.streamId(), event.version());
        }
        assertThat((long) log.size()).isEqualTo(eventsWritten());
        return log.size();
    }
}
