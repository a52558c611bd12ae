package dev.eventline.saga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.RecordedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The state of one saga instance as folded from its stream: what the runner needs to decide the next piece of
 * work, and what {@link SagaRunner#find} shows. Confined to one thread.
 */
final class InstanceFold {

    /** An input waiting to be handled: received (start, event, deadline) or a command outcome. */
    record Input(String id, String kind, JsonNode body) {
    }

    /** A completed step that can be compensated. */
    record StackEntry(String step, String commandId) {
    }

    /** A pending deadline; {@code id} changes whenever it is rescheduled. */
    record Deadline(String name, Instant due, String id) {
    }

    final String sagaType;
    final String sagaId;
    final String streamId;
    long version;
    SagaStatus status = SagaStatus.RUNNING;
    SagaStatus statusBeforeFailure = SagaStatus.RUNNING;
    boolean started;
    JsonNode state;
    String reason;
    String compensationReason;
    Instant startedAt;
    Instant updatedAt;
    final LinkedHashMap<String, Input> pending = new LinkedHashMap<>();
    final Set<String> handled = new HashSet<>();
    List<StackEntry> stack = new ArrayList<>();
    List<Deadline> deadlines = new ArrayList<>();
    final List<SagaStep> steps = new ArrayList<>();
    final Map<String, Integer> compensationRejections = new HashMap<>();
    int resumes;

    InstanceFold(String sagaType, String sagaId) {
        this.sagaType = sagaType;
        this.sagaId = sagaId;
        this.streamId = streamId(sagaType, sagaId);
    }

    static String streamId(String sagaType, String sagaId) {
        return "saga-" + sagaType + "-" + sagaId;
    }

    boolean exists() {
        return version > 0;
    }

    void apply(RecordedEvent event) {
        if (event.version() <= version) {
            return;
        }
        version = event.version();
        if (startedAt == null) {
            startedAt = event.recordedAt();
        }
        updatedAt = event.recordedAt();
        JsonNode body = SagaRecords.read(event);
        switch (event.type()) {
            case SagaRecords.RECEIVED -> {
                String inputId = body.path("input_id").asText();
                if (!handled.contains(inputId)) {
                    pending.putIfAbsent(inputId, new Input(inputId, body.path("kind").asText(), body));
                }
            }
            case SagaRecords.HANDLED -> applyHandled(body, event.recordedAt());
            case SagaRecords.PARKED -> {
                if (status != SagaStatus.FAILED) {
                    statusBeforeFailure = status;
                }
                status = SagaStatus.FAILED;
                reason = body.path("reason").asText();
            }
            case SagaRecords.RESUMED -> {
                status = statusBeforeFailure;
                reason = status == SagaStatus.COMPENSATING ? compensationReason : null;
                resumes++;
            }
            default -> {
                // Other record types may be added by later versions; an older runner ignores them.
            }
        }
    }

    private void applyHandled(JsonNode body, Instant at) {
        String inputId = body.path("input_id").asText();
        pending.remove(inputId);
        handled.add(inputId);
        started = started || body.path("started").asBoolean();
        SagaStatus newStatus = SagaStatus.valueOf(body.path("status").asText());
        if (newStatus == SagaStatus.FAILED && status != SagaStatus.FAILED) {
            statusBeforeFailure = status;
        }
        status = newStatus;
        reason = body.hasNonNull("reason") ? body.get("reason").asText() : null;
        if (newStatus == SagaStatus.COMPENSATING || newStatus == SagaStatus.COMPENSATED) {
            compensationReason = reason;
        }
        if (body.hasNonNull("state")) {
            state = body.get("state");
        }
        for (JsonNode command : body.path("commands")) {
            boolean compensation = command.path("compensation").asBoolean();
            boolean accepted = command.path("accepted").asBoolean();
            String commandId = command.path("command_id").asText();
            String step = command.path("step").asText();
            String rejection = command.hasNonNull("reason") ? command.get("reason").asText() : null;
            steps.add(new SagaStep(step, UUID.fromString(commandId), command.path("command_type").asText(),
                compensation, accepted, rejection, at));
            if (compensation) {
                if (!accepted) {
                    compensationRejections.merge(command.path("compensates").asText(), 1, Integer::sum);
                }
            } else {
                ObjectNode outcome = SagaRecords.outcome(step, commandId, accepted, rejection);
                String outcomeId = "outcome:" + commandId;
                if (!handled.contains(outcomeId)) {
                    pending.put(outcomeId, new Input(outcomeId, "outcome", outcome));
                }
            }
        }
        var newStack = new ArrayList<StackEntry>();
        for (JsonNode entry : body.path("compensation_stack")) {
            newStack.add(new StackEntry(entry.path("step").asText(), entry.path("command_id").asText()));
        }
        stack = newStack;
        var newDeadlines = new ArrayList<Deadline>();
        for (JsonNode entry : body.path("deadlines")) {
            newDeadlines.add(new Deadline(entry.path("name").asText(), Instant.parse(entry.path("due").asText()),
                entry.path("id").asText()));
        }
        deadlines = newDeadlines;
    }

    Deadline deadline(String id) {
        for (Deadline deadline : deadlines) {
            if (deadline.id().equals(id)) {
                return deadline;
            }
        }
        return null;
    }

    SagaInstance toInstance() {
        var stackNewestFirst = new ArrayList<String>();
        for (int i = stack.size() - 1; i >= 0; i--) {
            stackNewestFirst.add(stack.get(i).step());
        }
        return new SagaInstance(sagaType, sagaId, status, state == null ? null : state.toString(), steps,
            stackNewestFirst, publicDeadlines(), reason, startedAt, updatedAt, version);
    }

    List<SagaDeadline> publicDeadlines() {
        var list = new ArrayList<SagaDeadline>(deadlines.size());
        for (Deadline deadline : deadlines) {
            list.add(new SagaDeadline(deadline.name(), deadline.due()));
        }
        return list;
    }
}
