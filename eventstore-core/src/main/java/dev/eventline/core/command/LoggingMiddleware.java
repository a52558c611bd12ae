package dev.eventline.core.command;

import dev.eventline.core.metrics.Outcome;
import dev.eventline.core.query.QueryContext;
import dev.eventline.core.query.QueryMiddleware;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * Logs each command or query dispatch through SLF4J, with the correlation id in the MDC while it runs.
 * <p>
 * For the duration of the dispatch the MDC holds {@value #CORRELATION_ID}, {@value #MESSAGE_TYPE} and, for
 * commands, {@value #COMMAND_ID}, so every line the handler logs carries them; the previous values are restored
 * afterwards (nested dispatches keep their outer ids). A success is logged at DEBUG with its latency; a failure
 * is logged once at DEBUG (rejections: validation, authorization, conflicts) or INFO (anything else) with its
 * message but no stack trace: the exception itself still reaches the caller, who owns it.
 * <p>
 * Works on both buses. Thread-safety: stateless and safe for concurrent use.
 * <pre>{@code CommandBus.builder().middleware(new LoggingMiddleware()) }</pre>
 *
 * @since 0.1
 */
public final class LoggingMiddleware implements CommandMiddleware, QueryMiddleware {

    /** MDC key of the correlation id. */
    public static final String CORRELATION_ID = "correlationId";
    /** MDC key of the command or query type name. */
    public static final String MESSAGE_TYPE = "messageType";
    /** MDC key of the command id. */
    public static final String COMMAND_ID = "commandId";

    private final Logger logger;
    private final MDCAdapter mdc;

    /** Logs to the logger named {@code dev.eventline.core.command.LoggingMiddleware}. */
    public LoggingMiddleware() {
        this(LoggerFactory.getLogger(LoggingMiddleware.class));
    }

    /**
     * @param logger where to log
     */
    public LoggingMiddleware(Logger logger) {
        this(logger, MDC.getMDCAdapter());
    }

    /** For tests: the MDC of the SLF4J binding in use may be a no-op (slf4j-simple's is). */
    LoggingMiddleware(Logger logger, MDCAdapter mdc) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.mdc = Objects.requireNonNull(mdc, "mdc");
    }

    @Override
    public CommandResult handle(Object command, CommandContext context, CommandMiddleware.Next next) {
        var previousCommandId = mdc.get(COMMAND_ID);
        mdc.put(COMMAND_ID, context.commandId());
        try {
            return logged("Command", context, () -> {
                var result = next.proceed(command, context);
                return new Logged<>(result, " -> stream " + result.streamId() + " at version " + result.version()
                    + " (" + result.events().size() + " events)");
            });
        } finally {
            restore(COMMAND_ID, previousCommandId);
        }
    }

    @Override
    public Object handle(Object query, QueryContext context, QueryMiddleware.Next next) {
        return logged("Query", context, () -> new Logged<>(next.proceed(query, context), ""));
    }

    private record Logged<T>(T value, String detail) {
    }

    private interface Dispatch<T> {
        Logged<T> run();
    }

    private <T> T logged(String kind, MessageContext context, Dispatch<T> dispatch) {
        var previousCorrelation = mdc.get(CORRELATION_ID);
        var previousType = mdc.get(MESSAGE_TYPE);
        mdc.put(CORRELATION_ID, context.correlationId());
        mdc.put(MESSAGE_TYPE, context.messageType());
        long start = System.nanoTime();
        try {
            var outcome = dispatch.run();
            if (logger.isDebugEnabled()) {
                logger.debug("{} {} handled in {} ms{}", kind, context.messageType(), millis(start), outcome.detail());
            }
            return outcome.value();
        } catch (RuntimeException | Error e) {
            if (Outcome.of(e) == Outcome.FAILED) {
                logger.info("{} {} failed after {} ms: {}", kind, context.messageType(), millis(start), e.toString());
            } else if (logger.isDebugEnabled()) {
                logger.debug("{} {} rejected after {} ms: {}", kind, context.messageType(), millis(start),
                    e.getMessage());
            }
            throw e;
        } finally {
            restore(CORRELATION_ID, previousCorrelation);
            restore(MESSAGE_TYPE, previousType);
        }
    }

    private static String millis(long start) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1_000_000.0);
    }

    private void restore(String key, String previous) {
        if (previous == null) {
            mdc.remove(key);
        } else {
            mdc.put(key, previous);
        }
    }
}
