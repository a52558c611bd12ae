package dev.eventline.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.core.command.internal.MessageJson;
import java.util.Objects;

/**
 * A query in generic form, as it arrives over HTTP: its registered type name, its JSON body and its options.
 * {@link QueryBus#ask(QueryEnvelope)} turns it into the registered record type; nothing in the JSON can pick a
 * Java class.
 *
 * @param type the query's registered type name, e.g. {@code "GetBalance"}
 * @param data the query's body, a JSON object
 * @param options how to answer it
 * @since 0.1
 */
public record QueryEnvelope(String type, JsonNode data, QueryOptions options) {

    /** Validates every field. */
    public QueryEnvelope {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
    }

    /**
     * @param type the query's registered type name
     * @param json the query's body as JSON text
     * @param options how to answer it
     * @return the envelope
     * @throws dev.eventline.core.ValidationException when {@code json} is not well-formed JSON
     */
    public static QueryEnvelope of(String type, String json, QueryOptions options) {
        Objects.requireNonNull(type, "type");
        return new QueryEnvelope(type, MessageJson.defaults().parse(type, json), options);
    }
}
