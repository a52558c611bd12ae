package dev.eventline.core.command;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.aggregate.AggregateRepository;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds {@link CommandHandler}s in one line: from an {@link AggregateRepository} (the usual case), or from a
 * function finding a command's stream and one appending to it.
 * <p>
 * Thread-safety: the handlers returned are as thread-safe as the functions given.
 * <pre>{@code
 * .handle(Deposit.class, CommandHandlers.fromRepository(accounts, Deposit::accountId))
 * .handle(Audit.class, CommandHandlers.forStream(Audit::streamId,
 *     (streamId, command, context) -> store.append(streamId, ExpectedVersion.any(), events(command, context))))
 * }</pre>
 *
 * @since 0.1
 */
public final class CommandHandlers {

    private CommandHandlers() {
    }

    /**
     * Appends the events a command causes to one stream.
     *
     * @param <C> the command type
     * @since 0.1
     */
    @FunctionalInterface
    public interface StreamAppender<C> {
        /**
         * @param streamId the command's stream
         * @param command the command
         * @param context the command's context (metadata, id, and {@link CommandContext#eventMetadata()})
         * @return what the append wrote
         */
        AppendResult append(String streamId, C command, CommandContext context);
    }

    /**
     * @param streamId finds the stream a command writes to (e.g. {@code Deposit::accountId})
     * @param appender decides and appends, e.g. an aggregate repository's {@code handle}
     * @param <C> the command type
     * @return a handler returning {@link CommandResult#from(AppendResult)} of the append
     */
    public static <C> CommandHandler<C> forStream(Function<? super C, String> streamId,
                                                  StreamAppender<? super C> appender) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(appender, "appender");
        return (command, context) -> {
            var id = streamId.apply(command);
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("The stream id of command '" + context.commandType()
                    + "' is empty (streamId: " + id + "). Every command must name the stream it writes to.");
            }
            return CommandResult.from(appender.append(id, command, context));
        };
    }

    /**
     * Turns a decider-based aggregate into a command handler: load, decide, append, with the command's metadata
     * on every event.
     * <p>
     * Without an expected version in the metadata the repository retries conflicts itself (reload, decide again),
     * so {@link RetryMiddleware} is not needed for these handlers. With one (a client's optimistic-concurrency
     * check), the command runs once and a mismatch is a {@link dev.eventline.core.ConcurrencyConflictException}.
     * <pre>{@code
     * .handle("Deposit", Deposit.class, CommandHandlers.fromRepository(accounts, Deposit::accountId))
     * }</pre>
     *
     * @param repository the aggregate's repository
     * @param aggregateId finds the aggregate id in a command (the repository turns it into the stream id)
     * @param <C> the command type
     * @return the handler
     */
    public static <C> CommandHandler<C> fromRepository(AggregateRepository<? super C, ?, ?> repository,
                                                       Function<? super C, String> aggregateId) {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(aggregateId, "aggregateId");
        return (command, context) -> {
            var id = aggregateId.apply(command);
            if (id == null || id.isBlank()) {
                throw new IllegalArgumentException("The aggregate id of command '" + context.commandType()
                    + "' is empty (id: " + id + "). Every command must name the aggregate it addresses.");
            }
            var expected = context.metadata().expectedVersion();
            var result = expected == null
                ? repository.handle(id, command, context.eventMetadata())
                : repository.handle(id, command, expected, context.eventMetadata());
            return CommandResult.from(result);
        };
    }

    /**
     * @param context a command's context
     * @return the expected version the client sent in the metadata, or {@link ExpectedVersion#any()} when none
     */
    public static ExpectedVersion expectedVersionOr(CommandContext context) {
        var expected = context.metadata().expectedVersion();
        return expected != null ? expected : ExpectedVersion.any();
    }
}
