package dev.eventline.core.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.command.internal.MessageJson;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs each command id once: a command whose id was already handled gets the first result back, and its handler
 * does not run again.
 * <p>
 * Only commands whose {@link CommandMetadata#commandId()} is set are deduplicated; the key is the tenant plus the
 * id ({@link IdempotencyKey}). The command's type and body are fingerprinted (SHA-256 of its canonical JSON): the
 * same id with another body fails with {@link CommandIdConflictException}. Two sends of one id racing in this JVM
 * run the handler once and both get the same result (or the same failure); a send racing one in another process
 * (through a shared durable store) fails fast with the retryable {@link CommandInFlightException}. A failed
 * command is forgotten, so the client can retry it with the same id.
 * <p>
 * Place it inside authorization and validation (so rejected commands are not remembered) and outside retry.
 * A result is recorded after the handler returns; with a durable store, a crash between the append and that
 * record leaves the claim in progress (see the store's documentation), unless the store completes the claim in
 * the append's own transaction (eventstore-jdbc's {@code JdbcIdempotencyStore.appendHook()}): a retry then gets
 * the appended result.
 * <p>
 * Thread-safety: safe for concurrent use.
 * <pre>{@code CommandBus.builder().middleware(IdempotencyMiddleware.of(InMemoryIdempotencyStore.create())) }</pre>
 *
 * @since 0.1
 */
public final class IdempotencyMiddleware implements CommandMiddleware {

    private record InFlight(String fingerprint, CompletableFuture<CommandResult> result) {
    }

    private final IdempotencyStore store;
    private final MessageJson json;
    private final ConcurrentHashMap<IdempotencyKey, InFlight> inFlight = new ConcurrentHashMap<>();

    private IdempotencyMiddleware(IdempotencyStore store, MessageJson json) {
        this.store = Objects.requireNonNull(store, "store");
        this.json = json;
    }

    /**
     * @param store where handled command ids and their results are kept
     * @return the middleware, fingerprinting commands with Eventline's default JSON mapper
     */
    public static IdempotencyMiddleware of(IdempotencyStore store) {
        return new IdempotencyMiddleware(store, MessageJson.defaults());
    }

    /**
     * @param store where handled command ids and their results are kept
     * @param mapper the mapper that writes commands as JSON for fingerprints (no default typing)
     * @return the middleware
     */
    public static IdempotencyMiddleware of(IdempotencyStore store, ObjectMapper mapper) {
        return new IdempotencyMiddleware(store, MessageJson.of(mapper));
    }

    /** @return the middleware over a new {@link InMemoryIdempotencyStore} with its defaults */
    public static IdempotencyMiddleware inMemory() {
        return of(InMemoryIdempotencyStore.create());
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, Next next) {
        var commandId = context.metadata().commandId();
        if (commandId == null) {
            return next.proceed(command, context);
        }
        var key = new IdempotencyKey(context.tenant(), commandId);
        var fingerprint = json.fingerprint(context.commandType(), command);
        var mine = new InFlight(fingerprint, new CompletableFuture<>());
        var running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            if (!running.fingerprint().equals(fingerprint)) {
                throw new CommandIdConflictException(key, context.commandType());
            }
            return await(running.result());
        }
        try {
            var result = runOnce(command, context, next, key, fingerprint);
            mine.result().complete(result);
            return result;
        } catch (RuntimeException | Error e) {
            mine.result().completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private CommandResult runOnce(Object command, CommandContext context, Next next, IdempotencyKey key,
                                  String fingerprint) {
        var claim = store.claim(key, fingerprint);
        if (claim instanceof IdempotencyStore.Claim.Completed completed) {
            if (!completed.fingerprint().equals(fingerprint)) {
                throw new CommandIdConflictException(key, context.commandType());
            }
            return completed.result();
        }
        if (claim instanceof IdempotencyStore.Claim.InProgress inProgress) {
            if (!inProgress.fingerprint().equals(fingerprint)) {
                throw new CommandIdConflictException(key, context.commandType());
            }
            throw new CommandInFlightException(key, context.commandType());
        }
        if (!(claim instanceof IdempotencyStore.Claim.Acquired)) {
            throw new IllegalStateException("Unexpected claim from " + store.getClass().getName() + ": " + claim);
        }
        CommandResult result;
        try {
            result = next.proceed(command, context);
        } catch (RuntimeException | Error e) {
            try {
                store.release(key);
            } catch (RuntimeException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            throw e;
        }
        // Not released if this fails: the events are written, so running the command again would double them.
        store.complete(key, fingerprint, result);
        return result;
    }

    private static CommandResult await(CompletableFuture<CommandResult> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }
}
