package dev.eventline.saga;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventline.core.EventData;
import dev.eventline.core.SerializationException;
import dev.eventline.core.StorageException;
import dev.eventline.saga.internal.DeterministicIds;
import dev.eventline.saga.internal.SagaMetrics;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Decides an instance's next record: runs the handler for its oldest pending input (or the next compensation),
 * sends the commands it asked for, and describes the outcome as a {@code SagaInputHandled} record. Appending that
 * record is the caller's job ({@link SagaEngine#process}). Thread-safe: it keeps no state between calls.
 */
final class InstanceProcessor {

    private final SagaCommandDispatcher dispatcher;
    private final InstantSource clock;
    private final ObjectMapper mapper;
    private final Predicate<Throwable> isTransient;
    private final SagaMetrics metrics;
    private final BooleanSupplier closing;

    InstanceProcessor(SagaCommandDispatcher dispatcher, InstantSource clock, ObjectMapper mapper,
                      Predicate<Throwable> isTransient, SagaMetrics metrics, BooleanSupplier closing) {
        this.dispatcher = dispatcher;
        this.clock = clock;
        this.mapper = mapper;
        this.isTransient = isTransient;
        this.metrics = metrics;
        this.closing = closing;
    }

    /** Returns the record for the instance's next piece of work, or null when it has none. */
    <S> EventData nextRecord(SagaType<S> type, InstanceFold fold) {
        if (fold.status == SagaStatus.COMPENSATING && !fold.stack.isEmpty()) {
            return compensate(type, fold);
        }
        if (fold.status != SagaStatus.RUNNING || fold.pending.isEmpty()) {
            return null;
        }
        InstanceFold.Input input = fold.pending.values().iterator().next();
        return handle(type, fold, input);
    }

    private <S> EventData handle(SagaType<S> type, InstanceFold fold, InstanceFold.Input input) {
        var context = new HandlerContext(fold, input.id(), clock.instant());
        S state = fold.state == null ? null : decode(fold.state, type.stateType(), fold, "state");
        S newState = state;
        boolean started = fold.started;
        JsonNode body = input.body();
        switch (input.kind()) {
            case "start" -> {
                if (!fold.started) {
                    String eventType = body.path("event_type").asText(null);
                    newState = eventType == null
                        ? callStart(type.startHandler(), body.get("data"), type.startDataType(), context, fold)
                        : callStart(type.startEvents().get(eventType), body.get("data"), context, fold);
                    started = true;
                }
            }
            case "event" -> {
                SagaType.EventRoute<S, ?> route = type.events().get(body.path("event_type").asText());
                if (fold.started && route != null) {
                    newState = callEvent(route, state, body.get("data"), context, fold);
                }
            }
            case "deadline" -> {
                InstanceFold.Deadline deadline = fold.deadline(body.path("deadline_id").asText());
                if (fold.started && deadline != null) {
                    context.cancelDeadline(deadline.name());
                    SagaStepHandler<S> handler = type.deadline(deadline.name());
                    if (handler == null) {
                        context.compensate("deadline '" + deadline.name() + "' passed (due: " + deadline.due()
                            + ")");
                    } else {
                        newState = handler.handle(state, context);
                    }
                }
            }
            case "outcome" -> {
                String step = body.path("step").asText();
                if (body.path("accepted").asBoolean()) {
                    SagaStepHandler<S> handler = type.stepCompleted(step);
                    if (handler != null) {
                        newState = handler.handle(state, context);
                    }
                } else {
                    String reason = body.path("reason").asText("rejected");
                    SagaRejectionHandler<S> handler = type.stepRejected(step);
                    if (handler == null) {
                        context.compensate("step '" + step + "' rejected: " + reason);
                    } else {
                        newState = handler.handle(state, reason, context);
                    }
                }
            }
            default -> {
                // An input kind written by a later version: recorded as handled without effect.
            }
        }
        if (started && newState == null) {
            throw new IllegalStateException("A handler of saga type '" + type.name() + "' returned a null state"
                + " (saga: '" + fold.sagaId + "', input: " + input.id() + "). Return the state, never null.");
        }
        List<InstanceFold.StackEntry> stack = new ArrayList<>(fold.stack);
        ArrayNode commands = SagaRecords.array();
        boolean rejected = false;
        for (HandlerContext.Outgoing outgoing : context.commands) {
            UUID commandId = DeterministicIds.of(type.name(), fold.sagaId, input.id(), outgoing.step(),
                Integer.toString(outgoing.occurrence()));
            String rejection = dispatch(new SagaCommand(commandId, type.name(), fold.sagaId, outgoing.step(), false,
                outgoing.command()));
            commands.add(commandJson(outgoing.step(), commandId, outgoing.command(), false, null, rejection));
            if (rejection != null) {
                rejected = true;
                break;
            }
            if (type.hasCompensation(outgoing.step())) {
                stack.add(new InstanceFold.StackEntry(outgoing.step(), commandId.toString()));
            }
        }
        SagaStatus status = SagaStatus.RUNNING;
        String reason = null;
        List<InstanceFold.Deadline> deadlines = context.deadlines;
        if (context.compensationReason != null) {
            status = stack.isEmpty() ? SagaStatus.COMPENSATED : SagaStatus.COMPENSATING;
            reason = context.compensationReason;
        } else if (context.completed && !rejected) {
            status = SagaStatus.COMPLETED;
        }
        if (status != SagaStatus.RUNNING) {
            deadlines = List.of();
        }
        ObjectNode record = SagaRecords.header(type.name(), fold.sagaId);
        record.put("input_id", input.id());
        record.put("kind", "input");
        record.put("status", status.name());
        if (reason != null) {
            record.put("reason", reason);
        }
        record.put("started", started);
        if (newState != null) {
            record.set("state", mapper.valueToTree(newState));
        }
        record.set("commands", commands);
        record.set("deadlines", deadlinesJson(deadlines));
        record.set("compensation_stack", stackJson(stack));
        return SagaRecords.event(fold.streamId, SagaRecords.HANDLED, "handled:" + input.id(), record, fold.sagaId);
    }

    private <S> EventData compensate(SagaType<S> type, InstanceFold fold) {
        InstanceFold.StackEntry top = fold.stack.get(fold.stack.size() - 1);
        int rejections = fold.compensationRejections.getOrDefault(top.commandId(), 0);
        var compensation = type.compensation(top.step());
        if (compensation == null) {
            throw new IllegalStateException("Saga type '" + type.name() + "' declares no compensation for step '"
                + top.step() + "' (saga: '" + fold.sagaId + "'). Declare compensation(\"" + top.step()
                + "\", ...) again.");
        }
        S state = decode(fold.state, type.stateType(), fold, "state");
        Object command = compensation.apply(state);
        if (command == null) {
            throw new IllegalStateException("The compensation of step '" + top.step() + "' of saga type '"
                + type.name() + "' returned null (saga: '" + fold.sagaId + "'). Return a command.");
        }
        String inputId = "compensation:" + top.commandId() + ":" + rejections;
        UUID commandId = DeterministicIds.of(type.name(), fold.sagaId, inputId);
        String rejection = dispatch(new SagaCommand(commandId, type.name(), fold.sagaId, top.step(), true, command));
        List<InstanceFold.StackEntry> stack = new ArrayList<>(fold.stack);
        SagaStatus status;
        String reason;
        if (rejection == null) {
            stack.remove(stack.size() - 1);
            status = stack.isEmpty() ? SagaStatus.COMPENSATED : SagaStatus.COMPENSATING;
            reason = fold.compensationReason;
        } else {
            status = SagaStatus.FAILED;
            reason = "compensation of step '" + top.step() + "' rejected: " + rejection;
        }
        ObjectNode record = SagaRecords.header(type.name(), fold.sagaId);
        record.put("input_id", inputId);
        record.put("kind", "compensation");
        record.put("status", status.name());
        if (reason != null) {
            record.put("reason", reason);
        }
        record.put("started", true);
        record.set("commands", SagaRecords.array().add(
            commandJson(top.step(), commandId, command, true, top.commandId(), rejection)));
        record.set("deadlines", SagaRecords.array());
        record.set("compensation_stack", stackJson(stack));
        return SagaRecords.event(fold.streamId, SagaRecords.HANDLED, "handled:" + inputId, record, fold.sagaId);
    }

    /**
     * Returns null when the command was accepted, else the rejection reason; rethrows the failures that say nothing
     * about the command: transient ones, storage failures, interruptions, and any failure while the runner is
     * closing (its pool, bus or threads are being shut down under the command). Recording one of those as a
     * rejection would compensate a saga whose command may well be accepted when it is sent again, with the same id,
     * by a retry or after the restart.
     */
    private String dispatch(SagaCommand command) {
        try {
            dispatcher.dispatch(command);
            metrics.commandSent(command.sagaType(), command.compensation(), true);
            return null;
        } catch (RuntimeException e) {
            if (isTransient.test(e) || closing.getAsBoolean() || isInterruption(e) || isStorageFailure(e)) {
                throw e;
            }
            metrics.commandSent(command.sagaType(), command.compensation(), false);
            return describe(e);
        }
    }

    /**
     * @return true when a {@link StorageException} is in the chain: the storage failed, so the command was neither
     *     accepted nor refused, even when retrying cannot help (a closed pool, a missing table). Retried, then
     *     parked as FAILED for an operator; never compensated
     */
    static boolean isStorageFailure(Throwable error) {
        return anyInCauseChain(error, t -> t instanceof StorageException);
    }

    /**
     * @return true when the failure comes from an interrupted thread: the flag is still set, or the chain holds
     *     the JDK's interruption exceptions (drivers and pools wrap them in their own, non-retryable, ones)
     */
    static boolean isInterruption(Throwable error) {
        return Thread.currentThread().isInterrupted() || anyInCauseChain(error, t -> t instanceof InterruptedException
            || t instanceof InterruptedIOException || t instanceof ClosedByInterruptException);
    }

    /** @return true when {@code error} or one of its causes matches (a cause cycle is walked once) */
    private static boolean anyInCauseChain(Throwable error, Predicate<Throwable> matches) {
        var seen = Collections.newSetFromMap(new IdentityHashMap<Throwable, Boolean>());
        for (Throwable t = error; t != null && seen.add(t); t = t.getCause()) {
            if (matches.test(t)) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable error) {
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : message;
    }

    private ObjectNode commandJson(String step, UUID commandId, Object command, boolean compensation,
                                   String compensates, String rejection) {
        ObjectNode node = SagaRecords.JSON.createObjectNode();
        node.put("step", step);
        node.put("command_id", commandId.toString());
        node.put("command_type", command.getClass().getSimpleName());
        node.put("compensation", compensation);
        if (compensates != null) {
            node.put("compensates", compensates);
        }
        node.put("accepted", rejection == null);
        if (rejection != null) {
            node.put("reason", rejection);
        }
        try {
            node.set("command", mapper.valueToTree(command));
        } catch (IllegalArgumentException e) {
            // The command is recorded for auditing only; one that Jackson cannot write is kept as text.
            node.put("command_text", String.valueOf(command));
        }
        return node;
    }

    static ArrayNode deadlinesJson(List<InstanceFold.Deadline> deadlines) {
        ArrayNode array = SagaRecords.array();
        for (InstanceFold.Deadline deadline : deadlines) {
            array.addObject().put("name", deadline.name()).put("due", deadline.due().toString())
                .put("id", deadline.id());
        }
        return array;
    }

    private static ArrayNode stackJson(List<InstanceFold.StackEntry> stack) {
        ArrayNode array = SagaRecords.array();
        for (InstanceFold.StackEntry entry : stack) {
            array.addObject().put("step", entry.step()).put("command_id", entry.commandId());
        }
        return array;
    }

    private <T> T decode(JsonNode json, Class<T> target, InstanceFold fold, String what) {
        try {
            return mapper.treeToValue(json, target);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new SerializationException("Saga '" + fold.sagaId + "' of type '" + fold.sagaType + "': its "
                + what + " could not be read as " + target.getName() + ". Keep the class compatible with the"
                + " stored JSON, or give the runner an ObjectMapper that can read it.", e);
        }
    }

    private <S, D> S callStartTyped(SagaStartHandler<S, D> handler, JsonNode data, Class<D> dataType,
                                    HandlerContext context, InstanceFold fold) {
        return handler.start(decode(data, dataType, fold, "start data"), context);
    }

    @SuppressWarnings("unchecked")
    private <S> S callStart(SagaStartHandler<S, ?> handler, JsonNode data, Class<?> dataType,
                            HandlerContext context, InstanceFold fold) {
        return callStartTyped((SagaStartHandler<S, Object>) handler, data, (Class<Object>) dataType, context,
            fold);
    }

    private <S, E> S callStart(SagaType.EventRoute<S, E> route, JsonNode data, HandlerContext context,
                               InstanceFold fold) {
        if (route == null) {
            return null;
        }
        return route.start().start(decode(data, route.payloadType(), fold, "starting event"), context);
    }

    private <S, E> S callEvent(SagaType.EventRoute<S, E> route, S state, JsonNode data, HandlerContext context,
                               InstanceFold fold) {
        return route.handler().handle(state, decode(data, route.payloadType(), fold, "event"), context);
    }
}
