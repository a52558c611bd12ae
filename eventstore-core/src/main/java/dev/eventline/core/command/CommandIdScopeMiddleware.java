package dev.eventline.core.command;

/**
 * Makes command ids belong to the principal that sends them, so that one caller can never reuse another's id:
 * place it just before {@link IdempotencyMiddleware}, which then deduplicates per (tenant, principal, id).
 * <p>
 * Why: a saga sends its commands with deterministic ids (derived from the saga, its input and the step), which
 * an outside caller may learn or compute. Without this, a caller who sends a command with a saga's id first
 * takes the saga's place: the saga's own send is answered with the caller's result, or fails with
 * {@link CommandIdConflictException} when the body differs, and the step never runs. With it, the caller's
 * command is just the caller's own command (judged by {@link AuthorizationMiddleware} as such), and the saga's
 * step runs exactly once under its own principal. Repeats by the same principal are still answered with the
 * first result.
 * <p>
 * How: the metadata's command id is replaced by {@code length(principal) + ":" + principal + ":" + id}
 * ({@code "-:" + id} without a principal), a one-to-one mapping. Later middleware and the handler see this scoped
 * id in {@link CommandContext#metadata()}; {@link CommandContext#commandId()}, and so the causation id on the
 * events, stays the client's. The scoped id must fit {@link IdempotencyKey#MAX_COMMAND_ID_LENGTH}.
 * <p>
 * Thread-safety: stateless and safe for concurrent use.
 * <pre>{@code
 * CommandBus.builder().middleware(tenants, authorization, CommandIdScopeMiddleware.perPrincipal(),
 *     IdempotencyMiddleware.inMemory())
 * }</pre>
 *
 * @since 0.1
 */
public final class CommandIdScopeMiddleware implements CommandMiddleware {

    private static final CommandIdScopeMiddleware PER_PRINCIPAL = new CommandIdScopeMiddleware();

    private CommandIdScopeMiddleware() {
    }

    /** @return the middleware scoping command ids by principal */
    public static CommandIdScopeMiddleware perPrincipal() {
        return PER_PRINCIPAL;
    }

    /**
     * @param principal the sender, or null
     * @param commandId the client's command id
     * @return the id as the idempotency middleware sees it behind this middleware
     */
    public static String scopedId(String principal, String commandId) {
        java.util.Objects.requireNonNull(commandId, "commandId");
        return (principal == null ? "-" : principal.length() + ":" + principal) + ":" + commandId;
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, Next next) {
        var metadata = context.metadata();
        if (metadata.commandId() == null) {
            return next.proceed(command, context);
        }
        var scoped = scopedId(metadata.principal(), metadata.commandId());
        if (scoped.length() > IdempotencyKey.MAX_COMMAND_ID_LENGTH) {
            throw new IllegalArgumentException("commandId scoped by its principal is too long (length: "
                + scoped.length() + ", at most " + IdempotencyKey.MAX_COMMAND_ID_LENGTH + "); use a shorter "
                + "command id or principal name");
        }
        return next.proceed(command, context.withMetadata(metadata.withCommandId(scoped)));
    }

    @Override
    public String toString() {
        return "CommandIdScopeMiddleware[perPrincipal]";
    }
}
