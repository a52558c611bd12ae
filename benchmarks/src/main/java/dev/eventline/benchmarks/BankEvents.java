package dev.eventline.benchmarks;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventline.core.EventData;
import dev.eventline.core.EventIds;
import dev.eventline.core.EventMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The bank-account domain every benchmark uses: two event types with ~180-byte JSON payloads, an account state and
 * its evolve function, and the Jackson readers that decode them.
 * <p>
 * The payloads are generated deterministically (the same index gives the same bytes) so that the Eventline figures
 * and their ceilings work on identical data. Thread-safety: immutable, safe for concurrent use.
 */
final class BankEvents {

    static final String DEPOSITED = "MoneyDeposited";
    static final String WITHDRAWN = "MoneyWithdrawn";

    /** One mapper for the whole JVM, configured like an application would (java.time, ISO instants). */
    static final ObjectMapper MAPPER = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final ObjectReader DEPOSITED_READER = MAPPER.readerFor(MoneyDeposited.class);
    private static final ObjectReader WITHDRAWN_READER = MAPPER.readerFor(MoneyWithdrawn.class);
    private static final Instant EPOCH = Instant.parse("2026-11-26T07:00:00.123456Z");

    private BankEvents() {
    }

    /** An event of an account: what the decoded payloads become. */
    sealed interface BankEvent permits MoneyDeposited, MoneyWithdrawn {
    }

    /** Money paid into an account. */
    record MoneyDeposited(String accountId, BigDecimal amount, String currency, BigDecimal balance,
                          String counterparty, String reference, Instant occurredAt) implements BankEvent {
    }

    /** Money taken out of an account. */
    record MoneyWithdrawn(String accountId, BigDecimal amount, String currency, BigDecimal balance,
                          String counterparty, String reference, Instant occurredAt) implements BankEvent {
    }

    /** The state that replay rebuilds: balance, number of movements and the last movement's time. */
    record Account(String id, BigDecimal balance, long movements, Instant lastMovementAt) {
        static final Account EMPTY = new Account(null, BigDecimal.ZERO, 0, null);
    }

    /** Folds one event into the state, like a decider's evolve. */
    static Account evolve(Account state, BankEvent event) {
        if (event instanceof MoneyDeposited d) {
            return new Account(d.accountId(), state.balance().add(d.amount()), state.movements() + 1, d.occurredAt());
        }
        if (event instanceof MoneyWithdrawn w) {
            return new Account(w.accountId(), state.balance().subtract(w.amount()), state.movements() + 1,
                w.occurredAt());
        }
        throw new IllegalStateException("unexpected event type (" + event.getClass().getName() + ")");
    }

    /** The event at {@code index} (0-based) of account {@code accountId}: every fifth one is a withdrawal. */
    static BankEvent event(String accountId, long index) {
        BigDecimal amount = BigDecimal.valueOf(1000 + (index * 7919) % 90_000, 2);
        BigDecimal balance = BigDecimal.valueOf(1_000_000 + index * 331, 2);
        Instant at = EPOCH.plusMillis(index * 1_000);
        String counterparty = "NL91ABNA04171643" + (10 + index % 90);
        String reference = "inv-" + String.format("%06d", index % 1_000_000);
        return index % 5 == 4
            ? new MoneyWithdrawn(accountId, amount, "EUR", balance, counterparty, reference, at)
            : new MoneyDeposited(accountId, amount, "EUR", balance, counterparty, reference, at);
    }

    static String typeOf(BankEvent event) {
        return event instanceof MoneyWithdrawn ? WITHDRAWN : DEPOSITED;
    }

    static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a stored payload by its type name, the way a registry-driven serializer does. */
    static BankEvent decode(String type, byte[] payload) {
        try {
            if (DEPOSITED.equals(type)) {
                return DEPOSITED_READER.readValue(payload);
            }
            if (WITHDRAWN.equals(type)) {
                return WITHDRAWN_READER.readValue(payload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("unknown event type (" + type + ")");
    }

    /**
     * {@code count} events of one account as store input, starting at {@code firstIndex}, with ids made the way an
     * application's code gets them from the library ({@link EventIds#next()}).
     */
    static List<EventData> eventData(String accountId, long firstIndex, int count) {
        List<EventData> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            BankEvent event = event(accountId, firstIndex + i);
            result.add(new EventData(EventIds.next(), typeOf(event), 1, encode(event), EventMetadata.empty()));
        }
        return result;
    }

    /** The UTF-8 text of a typical payload, for the README's "payload size" line. */
    static String samplePayload() {
        return new String(encode(event("acc-00004217", 42)), StandardCharsets.UTF_8);
    }
}
