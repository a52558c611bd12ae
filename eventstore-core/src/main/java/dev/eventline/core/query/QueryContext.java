package dev.eventline.core.query;

import dev.eventline.core.command.MessageContext;
import java.util.Objects;

/**
 * What a {@link QueryHandler} and each {@link QueryMiddleware} know about the query being dispatched besides
 * its body: its type name, the read model its handler reads, and the options it was asked with.
 *
 * @param queryType the query's registered type name, or its class's simple name when registered by class
 * @param readModel the read model the handler declared, or null when it declared none
 * @param correlationId the options' correlation id, or a generated one
 * @param options the options the query was asked with
 * @since 0.1
 */
public record QueryContext(String queryType, String readModel, String correlationId, QueryOptions options)
    implements MessageContext {

    /** Validates the required fields. */
    public QueryContext {
        Objects.requireNonNull(queryType, "queryType");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(options, "options");
    }

    @Override
    public String messageType() {
        return queryType;
    }

    @Override
    public String principal() {
        return options.principal();
    }

    @Override
    public String tenant() {
        return options.tenant();
    }
}
