package dev.eventline.saga;

import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.RecordedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A bank whose accounts are event streams in the same store as the sagas, so that it survives a killed process.
 * A command is applied as one event whose id is the command id: a resent command finds its event and does
 * nothing, as the core idempotency middleware would.
 */
final class EventSourcedBank implements SagaCommandDispatcher {

    private final EventStore store;

    EventSourcedBank(EventStore store) {
        this.store = store;
    }

    void open(String account, long balance) {
        store.append(stream(account), ExpectedVersion.noStream(), List.of(EventData.of("AccountOpened",
            "{\"amount\":" + balance + "}")));
    }

    void close(String account) {
        store.append(stream(account), ExpectedVersion.streamExists(), List.of(EventData.of("AccountClosed", "{}")));
    }

    long balance(String account) {
        long balance = 0;
        for (RecordedEvent event : events(account)) {
            balance += signedAmount(event);
        }
        return balance;
    }

    @Override
    public void dispatch(SagaCommand command) {
        String account;
        long amount;
        String type;
        if (command.payload() instanceof TestBank.Withdraw withdraw) {
            account = withdraw.account();
            amount = withdraw.amount();
            type = "Withdrawn";
        } else if (command.payload() instanceof TestBank.Deposit deposit) {
            account = deposit.account();
            amount = deposit.amount();
            type = "Deposited";
        } else {
            throw new IllegalArgumentException("unknown command " + command.payload());
        }
        while (true) {
            List<RecordedEvent> events = events(account);
            if (events.stream().anyMatch(event -> event.eventId().equals(command.commandId()))) {
                return;
            }
            if (events.isEmpty()) {
                throw new TestBank.Rejected("account " + account + " does not exist");
            }
            long balance = 0;
            for (RecordedEvent event : events) {
                if (event.type().equals("AccountClosed")) {
                    throw new TestBank.Rejected("account " + account + " is closed");
                }
                balance += signedAmount(event);
            }
            if (type.equals("Withdrawn") && balance < amount) {
                throw new TestBank.Rejected("insufficient funds in " + account);
            }
            try {
                store.append(stream(account), ExpectedVersion.exactly(events.size()), List.of(new EventData(
                    command.commandId(), type, 1, ("{\"amount\":" + amount + "}").getBytes(StandardCharsets.UTF_8),
                    EventMetadata.empty().withCorrelationId(command.sagaId()))));
                return;
            } catch (ConcurrencyConflictException e) {
                // another transfer touched the account first: decide again on the new balance
            }
        }
    }

    private List<RecordedEvent> events(String account) {
        try (var events = store.readStream(stream(account))) {
            return events.toList();
        }
    }

    static long signedAmount(RecordedEvent event) {
        String json = event.payloadAsString();
        if (!json.contains("\"amount\"")) {
            return 0;
        }
        long amount = Long.parseLong(json.replaceAll("[^0-9]", ""));
        return event.type().equals("Withdrawn") ? -amount : amount;
    }

    private static String stream(String account) {
        return "account-" + account;
    }
}
