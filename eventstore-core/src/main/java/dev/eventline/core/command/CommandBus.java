package dev.eventline.core.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.NoHandlerException;
import dev.eventline.core.UnknownMessageTypeException;
import dev.eventline.core.command.internal.DaemonThreads;
import dev.eventline.core.command.internal.MessageJson;
import dev.eventline.core.command.internal.MessageRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Dispatches commands to the handler registered for their type, through an ordered chain of middleware.
 * <p>
 * Commands are plain records, sent typed ({@link #send(Object)}) or as a {@link CommandEnvelope} (type name plus
 * JSON, e.g. from HTTP) that the bus decodes into the registered record. The bus finds the handler by the
 * command's class, or else by the nearest registered supertype (so one handler may take a sealed interface of
 * commands). Middleware registered first runs outermost. A failure is thrown as an
 * {@link dev.eventline.core.EventStoreException} subtype or the handler's own exception, unchanged.
 * <p>
 * Thread-safety: immutable after {@link Builder#build()} and safe for concurrent use. A bus that created its own
 * async executor owns its threads (daemon threads) and should be closed; {@link #close()} is idempotent.
 * <pre>{@code
 * try (var bus = CommandBus.builder()
 *         .handle("Deposit", Deposit.class, CommandHandlers.forStream(Deposit::accountId, accounts::deposit))
 *         .middleware(new LoggingMiddleware(), validation, authorization, IdempotencyMiddleware.inMemory())
 *         .build()) {
 *     CommandResult result = bus.send(new Deposit("a-1", 10), CommandMetadata.empty().withCommandId("c-1"));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class CommandBus implements AutoCloseable {

    /** Default threads of the async pool: sends are short and mostly wait on storage, so a few suffice. */
    public static final int DEFAULT_ASYNC_THREADS = 4;

    private final MessageRegistry<CommandHandler<Object>> registry;
    private final CommandMiddleware.Next chain;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final MessageJson json;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CommandBus(Builder builder) {
        this.registry = new MessageRegistry<>("command", builder.byClass, builder.byName);
        this.json = builder.json;
        if (builder.executor != null) {
            this.executor = builder.executor;
            this.ownedExecutor = null;
        } else {
            this.ownedExecutor = DaemonThreads.pool("eventline-command-", DEFAULT_ASYNC_THREADS);
            this.executor = ownedExecutor;
        }
        CommandMiddleware.Next next = this::invokeHandler;
        var middleware = builder.middleware;
        for (int i = middleware.size() - 1; i >= 0; i--) {
            var step = middleware.get(i);
            var rest = next;
            next = (command, context) -> step.handle(command, context, rest);
        }
        this.chain = next;
    }

    /** @return a builder for a bus with no handlers and no middleware */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a command without metadata (no command id, so not idempotent).
     *
     * @param command the command record
     * @return what the command wrote
     * @throws NoHandlerException when no handler is registered for the command's type
     */
    public CommandResult send(Object command) {
        return send(command, CommandMetadata.empty());
    }

    /**
     * Sends a command through the middleware to its handler, on the calling thread.
     *
     * @param command the command record
     * @param metadata its id, correlation id, principal, tenant, expected version and entries
     * @return what the command wrote
     * @throws NoHandlerException when no handler is registered for the command's type
     * @throws dev.eventline.core.ValidationException when validation middleware rejects it
     * @throws dev.eventline.core.UnauthorizedException when authorization middleware denies it
     * @throws dev.eventline.core.ConcurrencyConflictException when the stream moved and retries (if any) ran out
     */
    public CommandResult send(Object command, CommandMetadata metadata) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(metadata, "metadata");
        registry.forClass(command.getClass());
        var commandId = metadata.commandId() != null ? metadata.commandId() : UUID.randomUUID().toString();
        var context = new CommandContext(registry.nameOf(command.getClass()), commandId, metadata);
        return chain.proceed(command, context);
    }

    /**
     * Decodes an envelope into its registered record type and sends it.
     *
     * @param envelope the type name, JSON body and metadata
     * @return what the command wrote
     * @throws UnknownMessageTypeException when no command type is registered under the envelope's type name
     * @throws dev.eventline.core.ValidationException when the JSON does not fit the type (naming the fields)
     */
    public CommandResult send(CommandEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        return send(decode(envelope), envelope.metadata());
    }

    /**
     * @param envelope a command envelope
     * @return the command record it decodes to, without sending it
     * @throws UnknownMessageTypeException when no command type is registered under the envelope's type name
     * @throws dev.eventline.core.ValidationException when the JSON does not fit the type (naming the fields)
     */
    public Object decode(CommandEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        var type = registry.forName(envelope.type());
        return json.decode(envelope.type(), envelope.data(), type);
    }

    /**
     * Sends a command on the bus's executor.
     *
     * @param command the command record
     * @param metadata its metadata
     * @return the result, or the failure {@link #send(Object, CommandMetadata)} would have thrown
     */
    public CompletableFuture<CommandResult> sendAsync(Object command, CommandMetadata metadata) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(metadata, "metadata");
        checkOpen();
        return CompletableFuture.supplyAsync(() -> send(command, metadata), executor);
    }

    /**
     * @param command the command record
     * @return the result, or the failure {@link #send(Object)} would have thrown
     */
    public CompletableFuture<CommandResult> sendAsync(Object command) {
        return sendAsync(command, CommandMetadata.empty());
    }

    /**
     * @param envelope the type name, JSON body and metadata
     * @return the result, or the failure {@link #send(CommandEnvelope)} would have thrown
     */
    public CompletableFuture<CommandResult> sendAsync(CommandEnvelope envelope) {
        Objects.requireNonNull(envelope, "envelope");
        checkOpen();
        return CompletableFuture.supplyAsync(() -> send(envelope), executor);
    }

    /** @return the registered envelope type names */
    public Set<String> typeNames() {
        return registry.names();
    }

    /** Stops the bus's own async threads, if it created them; commands already queued still run. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("CommandBus is closed: sendAsync is refused. Send before closing the "
                + "bus, or use send() on the calling thread.");
        }
    }

    private CommandResult invokeHandler(Object command, CommandContext context) {
        var handler = registry.forClass(command.getClass()).handler();
        var result = handler.handle(command, context);
        if (result == null) {
            throw new IllegalStateException("The handler of command '" + context.commandType() + "' returned null. "
                + "Return a CommandResult (e.g. CommandResult.from(appendResult)).");
        }
        return result;
    }

    /**
     * Collects handlers, type names, middleware and the executor; {@link #build()} validates them.
     * <p>
     * Thread-safety: not thread-safe; configure on one thread, then share the built bus.
     *
     * @since 0.1
     */
    public static final class Builder {

        private final Map<Class<?>, MessageRegistry.Registration<CommandHandler<Object>>> byClass =
            new LinkedHashMap<>();
        private final Map<String, Class<?>> byName = new LinkedHashMap<>();
        private final List<CommandMiddleware> middleware = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private Executor executor;
        private MessageJson json = MessageJson.defaults();

        private Builder() {
        }

        /**
         * Registers the handler of a command type (and of its subtypes that have no handler of their own).
         *
         * @param type the command type
         * @param handler its handler
         * @param <C> the command type
         * @return this builder
         */
        public <C> Builder handle(Class<C> type, CommandHandler<? super C> handler) {
            return register(null, type, handler);
        }

        /**
         * Registers the handler of a command type under a type name, so envelopes can name it.
         *
         * @param typeName the name envelopes use, e.g. {@code "Deposit"}; {@code [A-Za-z][A-Za-z0-9_.-]*}
         * @param type the command type
         * @param handler its handler
         * @param <C> the command type
         * @return this builder
         */
        public <C> Builder handle(String typeName, Class<C> type, CommandHandler<? super C> handler) {
            Objects.requireNonNull(typeName, "typeName");
            return register(typeName, type, handler);
        }

        @SuppressWarnings("unchecked")
        private <C> Builder register(String typeName, Class<C> type, CommandHandler<? super C> handler) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(handler, "handler");
            MessageRegistry.collect(problems, byClass, byName, "command", typeName, type,
                (CommandHandler<Object>) handler);
            return this;
        }

        /**
         * Appends middleware to the chain, in order: the first ever registered is the outermost.
         *
         * @param middleware the middleware to add
         * @return this builder
         */
        public Builder middleware(CommandMiddleware... middleware) {
            Objects.requireNonNull(middleware, "middleware");
            for (var step : middleware) {
                this.middleware.add(Objects.requireNonNull(step, "middleware element"));
            }
            return this;
        }

        /**
         * @param executor runs {@code sendAsync}; the bus does not shut it down. Default: a pool of
         *     {@value CommandBus#DEFAULT_ASYNC_THREADS} daemon threads owned (and closed) by the bus
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param mapper the Jackson mapper used to decode envelopes (copied and made strict: unknown, missing and
         *     null fields are rejected); must not have default typing. Default: a mapper with Java time support
         * @return this builder
         */
        public Builder objectMapper(ObjectMapper mapper) {
            this.json = MessageJson.of(mapper);
            return this;
        }

        /**
         * @return the immutable, thread-safe bus
         * @throws ConfigurationException when a type or a type name is registered twice, or a name is invalid
         */
        public CommandBus build() {
            if (!problems.isEmpty()) {
                throw new ConfigurationException("CommandBus configuration is invalid: " + String.join("; ", problems)
                    + ".");
            }
            return new CommandBus(this);
        }

        @Override
        public String toString() {
            return "CommandBus.Builder[types=" + byClass.keySet() + ", middleware=" + middleware.size() + "]";
        }
    }

    @Override
    public String toString() {
        return "CommandBus[types=" + registry.names() + "]";
    }
}
