package dev.eventline.core.command;

import dev.eventline.core.UnauthorizedException;
import dev.eventline.core.aggregate.AggregateRepository;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Keeps each tenant's streams apart: the stream a tenant's command or query touches is named after the tenant
 * the message carries, never after anything in its body.
 * <p>
 * {@link #streamId(String, String)} is {@code tenant + "/" + id}. Tenant names cannot contain {@code /}, so the
 * mapping is one-to-one: tenant B naming tenant A's id (even {@code "A/a-1"}) gets a stream of its own, and can
 * neither read nor write A's. The handlers built here take the tenant from the {@link CommandContext} (checked
 * by {@link TenantIsolationMiddleware} to be the principal's), so a body cannot pick it; a command without a
 * tenant is refused. Query handlers call {@link #streamId(String, String)} with
 * {@link dev.eventline.core.query.QueryContext#tenant()}.
 * <p>
 * Thread-safety: stateless; the handlers are as thread-safe as the functions given.
 * <pre>{@code
 * .handle(Deposit.class, TenantStreams.fromRepository(accounts, Deposit::accountId))
 * .handle(Note.class, TenantStreams.forStream(Note::streamId, (streamId, note, context) -> store.append(...)))
 * }</pre>
 *
 * @since 0.1
 */
public final class TenantStreams {

    /** Separates the tenant from the id; tenant names may not contain it. */
    public static final String SEPARATOR = "/";

    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private TenantStreams() {
    }

    /**
     * @param tenant the tenant, {@code [A-Za-z0-9][A-Za-z0-9_.-]{0,63}}
     * @param id the stream or aggregate id within the tenant (any non-blank text)
     * @return the tenant's own id: {@code tenant + "/" + id}
     * @throws IllegalArgumentException when the tenant is not a valid tenant name or the id is blank
     */
    public static String streamId(String tenant, String id) {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(id, "id");
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("tenant is not a valid tenant name (tenant: '" + tenant + "'); use 1 "
                + "to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
        if (id.isBlank()) {
            throw new IllegalArgumentException("id must not be blank (id: '" + id + "')");
        }
        return tenant + SEPARATOR + id;
    }

    /**
     * @param streamId finds the stream a command writes to, within its tenant
     * @param appender decides and appends to the tenant's stream
     * @param <C> the command type
     * @return a handler appending to {@code streamId(context.tenant(), streamId.apply(command))}
     */
    public static <C> CommandHandler<C> forStream(Function<? super C, String> streamId,
                                                  CommandHandlers.StreamAppender<? super C> appender) {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(appender, "appender");
        return (command, context) -> {
            var tenant = tenantOf(context);
            return CommandHandlers.<C>forStream(c -> scoped(tenant, streamId.apply(c)), appender)
                .handle(command, context);
        };
    }

    /**
     * @param repository the aggregate's repository
     * @param aggregateId finds the aggregate id in a command, within its tenant
     * @param <C> the command type
     * @return a handler like {@link CommandHandlers#fromRepository}, on the aggregate
     *     {@code streamId(context.tenant(), aggregateId.apply(command))}
     */
    public static <C> CommandHandler<C> fromRepository(AggregateRepository<? super C, ?, ?> repository,
                                                       Function<? super C, String> aggregateId) {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(aggregateId, "aggregateId");
        return (command, context) -> {
            var tenant = tenantOf(context);
            return CommandHandlers.<C>fromRepository(repository, c -> scoped(tenant, aggregateId.apply(c)))
                .handle(command, context);
        };
    }

    private static String scoped(String tenant, String id) {
        return id == null || id.isBlank() ? id : streamId(tenant, id);
    }

    private static String tenantOf(CommandContext context) {
        var tenant = context.tenant();
        if (tenant == null) {
            throw new UnauthorizedException(context.principal(), context.commandType(), "it names no tenant, and "
                + "its handler writes only to a tenant's own streams. Send it with the caller's tenant.");
        }
        return tenant;
    }
}
