package dev.eventline.core.command;

/**
 * What middleware shared by both buses (logging, validation, authorization, metrics) needs to know about a
 * command or a query being dispatched.
 * <p>
 * Implemented by {@link CommandContext} and {@link dev.eventline.core.query.QueryContext}; not meant to be
 * implemented by users.
 *
 * @since 0.1
 */
public interface MessageContext {

    /** @return the message's registered type name, or its class's simple name when registered by class */
    String messageType();

    /** @return who sends the message, or null when unknown */
    String principal();

    /** @return the tenant the message belongs to, or null */
    String tenant();

    /** @return the correlation id to log the dispatch under; never null */
    String correlationId();
}
