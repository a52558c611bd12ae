package dev.eventline.core.command;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Commands and a tiny account "domain" over an in-memory store, shared by the bus tests. */
final class TestCommands {

    sealed interface AccountCommand permits OpenAccount, Deposit, Withdraw {
        String accountId();
    }

    record OpenAccount(String accountId, String owner) implements AccountCommand {
    }

    record Deposit(String accountId, BigDecimal amount) implements AccountCommand {
    }

    record Withdraw(String accountId, BigDecimal amount) implements AccountCommand {
    }

    record Unregistered(String id) {
    }

    private TestCommands() {
    }

    /** Appends one event per command to "account-<id>", with the context's metadata. */
    static CommandHandler<AccountCommand> appendingTo(EventStore store) {
        return CommandHandlers.forStream(command -> "account-" + command.accountId(),
            (streamId, command, context) -> append(store, streamId, command, context));
    }

    static AppendResult append(EventStore store, String streamId, AccountCommand command, CommandContext context) {
        var type = command.getClass().getSimpleName();
        var json = "{\"accountId\":\"" + command.accountId() + "\"}";
        var event = new EventData(UUID.randomUUID(), type + "Done", 1, json.getBytes(StandardCharsets.UTF_8),
            context.eventMetadata());
        return store.append(streamId, CommandHandlers.expectedVersionOr(context), List.of(event));
    }

    static ExpectedVersion any() {
        return ExpectedVersion.any();
    }
}
