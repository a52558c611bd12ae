package dev.eventline.core.command;

/**
 * Handles one command type: decides and appends, and says what it wrote.
 * <p>
 * A handler is registered per command type with {@link CommandBus.Builder#handle(Class, CommandHandler)}. It
 * throws an {@link dev.eventline.core.EventStoreException} subtype (or the domain's own exception) to refuse a
 * command. Most handlers are one line built by {@link CommandHandlers}.
 * <p>
 * Thread-safety: the bus calls a handler from many threads at once; implementations must be thread-safe.
 * <pre>{@code
 * CommandHandler<Deposit> deposit = (command, context) -> CommandResult.from(
 *     store.append("account-" + command.accountId(), ExpectedVersion.any(), events(command, context)));
 * }</pre>
 *
 * @param <C> the command type
 * @since 0.1
 */
@FunctionalInterface
public interface CommandHandler<C> {

    /**
     * @param command the command, already validated and authorized by the middleware
     * @param context the command's type name, id and metadata
     * @return what the command wrote
     */
    CommandResult handle(C command, CommandContext context);
}
