package dev.eventline.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Test events of a tiny bank: deposits and withdrawals in cents, plus an event type no projection handles. */
final class TestEvents {
    static final ObjectMapper JSON = new ObjectMapper();

    private TestEvents() {
    }

    static EventData deposited(long cents) {
        return EventData.of("MoneyDeposited", "{\"cents\":" + cents + "}");
    }

    static EventData withdrawn(long cents) {
        return EventData.of("MoneyWithdrawn", "{\"cents\":" + cents + "}");
    }

    static EventData noise() {
        return EventData.of("AddressChanged", "{\"city\":\"Lyon\"}");
    }

    static long cents(RecordedEvent event) {
        return json(event).get("cents").asLong();
    }

    static JsonNode json(RecordedEvent event) {
        try {
            return JSON.readTree(event.payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long signedCents(RecordedEvent event) {
        return event.type().equals("MoneyWithdrawn") ? -cents(event) : cents(event);
    }

    /** What {@link #fill} appended: the sum of the deposits and the position of the last event. */
    record Filled(long sum, dev.eventline.core.LogPosition last) {
    }

    /**
     * Appends {@code count} deposits of 1..count cents round-robin over {@code streams} accounts, in appends of
     * up to 100 events per stream.
     *
     * @return the sum of all deposits and the last event's position (on PostgreSQL the store's settled head can
     *     be behind it while any transaction is open, so tests wait for this position, not the head)
     */
    static Filled fill(EventStore store, int streams, int count) {
        long sum = 0;
        dev.eventline.core.LogPosition last = dev.eventline.core.LogPosition.START;
        int perAppend = 100;
        int written = 0;
        while (written < count) {
            for (int s = 0; s < streams && written < count; s++) {
                List<EventData> batch = new ArrayList<>();
                for (int i = 0; i < perAppend && written < count; i++) {
                    written++;
                    batch.add(deposited(written));
                    sum += written;
                }
                var result = store.append("account-" + s, ExpectedVersion.any(), batch);
                last = result.events().get(result.events().size() - 1).position();
            }
        }
        return new Filled(sum, last);
    }
}
