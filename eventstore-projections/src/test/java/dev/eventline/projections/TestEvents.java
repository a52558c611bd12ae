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

    /**
     * Appends {@code count} deposits of 1..count cents round-robin over {@code streams} accounts, in appends of
     * up to 100 events per stream.
     *
     * @return the sum of all deposits
     */
    static long fill(EventStore store, int streams, int count) {
        long sum = 0;
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
                store.append("account-" + s, ExpectedVersion.any(), batch);
            }
        }
        return sum;
    }
}
