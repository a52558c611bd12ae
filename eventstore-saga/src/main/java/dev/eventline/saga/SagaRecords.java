package dev.eventline.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.EventData;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.SerializationException;
import dev.eventline.saga.internal.DeterministicIds;
import java.io.IOException;
import java.util.Set;
import java.util.UUID;

/**
 * The JSON form of the events in a saga instance's stream (and of the runner's checkpoint). Written with a
 * private, plain {@link ObjectMapper} so that the application's mapper settings cannot change the format.
 */
final class SagaRecords {

    /** An input reached the instance: its start data, a correlated event or a passed deadline. */
    static final String RECEIVED = "SagaInputReceived";
    /** An input (or a compensation step) was handled: new status, state, commands sent with outcomes. */
    static final String HANDLED = "SagaInputHandled";
    /** Processing kept failing; the instance is parked as FAILED with the error. */
    static final String PARKED = "SagaParked";
    /** An operator asked to retry a FAILED instance. */
    static final String RESUMED = "SagaResumed";
    /** Where a runner's log follower has routed up to. */
    static final String CHECKPOINT = "SagaRunnerCheckpoint";

    static final Set<String> TYPES = Set.of(RECEIVED, HANDLED, PARKED, RESUMED, CHECKPOINT);

    static final ObjectMapper JSON = new ObjectMapper();

    private SagaRecords() {
    }

    static boolean isSagaRecord(RecordedEvent event) {
        return event.streamId().startsWith("saga-") && TYPES.contains(event.type());
    }

    static JsonNode read(RecordedEvent event) {
        try {
            return JSON.readTree(event.payload());
        } catch (IOException e) {
            throw new SerializationException("Saga record " + event.eventId() + " in stream '" + event.streamId()
                + "' is not valid JSON (type: " + event.type() + "). The stream was changed outside Eventline.", e);
        }
    }

    static ObjectNode header(String sagaType, String sagaId) {
        ObjectNode node = JSON.createObjectNode();
        node.put("saga_type", sagaType);
        node.put("saga_id", sagaId);
        return node;
    }

    static ObjectNode outcome(String step, String commandId, boolean accepted, String reason) {
        ObjectNode node = JSON.createObjectNode();
        node.put("step", step);
        node.put("command_id", commandId);
        node.put("accepted", accepted);
        if (reason != null) {
            node.put("reason", reason);
        }
        return node;
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    /**
     * @param streamId the stream the record goes to (part of its id)
     * @param type the record type
     * @param idParts what makes the record unique within the stream, so that a retried append is idempotent
     * @param body the JSON body
     * @param correlationId the saga id, as correlation id
     */
    static EventData event(String streamId, String type, String idParts, ObjectNode body, String correlationId) {
        UUID id = DeterministicIds.of(streamId, type, idParts);
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new SerializationException("Saga record for stream '" + streamId + "' could not be written as"
                + " JSON (type: " + type + "). This is a bug in Eventline; please report it.", e);
        }
        return new EventData(id, type, 1, payload, EventMetadata.empty().withCorrelationId(correlationId));
    }
}
