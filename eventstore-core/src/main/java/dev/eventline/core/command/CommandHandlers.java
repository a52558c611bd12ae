package dev.eventline.core.command;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ExpectedVersion;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds {@link CommandHandler}s from the usual parts in one line: how to find the stream of a command, and what
 * appends to it.
 * <p>
 * Thread-safety: the handlers returned are as thread-safe as the functions given.
 * <pre>{@code
 * .handle(Deposit.class, CommandHandlers.forStream(Deposit::accountId,
 *     (streamId, command, context) -> accounts.handle(streamId, command)))
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
     * @param context a command's context
     * @return the expected version the client sent in the metadata, or {@link ExpectedVersion#any()} when none
     */
    public static ExpectedVersion expectedVersionOr(CommandContext context) {
        var expected = context.metadata().expectedVersion();
        return expected != null ? expected : ExpectedVersion.any();
    }
}
