package dev.eventline.saga;

import dev.eventline.saga.internal.DeterministicIds;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The {@link SagaContext} given to one handler call: it only collects what the handler asked for. */
final class HandlerContext implements SagaContext {

    /** A command the handler asked to send. */
    record Outgoing(String step, Object command, int occurrence) {
    }

    private final InstanceFold fold;
    private final String inputId;
    private final Instant now;
    final List<Outgoing> commands = new ArrayList<>();
    final List<InstanceFold.Deadline> deadlines;
    private final Map<String, Integer> occurrences = new HashMap<>();
    boolean completed;
    String compensationReason;

    HandlerContext(InstanceFold fold, String inputId, Instant now) {
        this.fold = fold;
        this.inputId = inputId;
        this.now = now;
        this.deadlines = new ArrayList<>(fold.deadlines);
    }

    @Override
    public String sagaId() {
        return fold.sagaId;
    }

    @Override
    public String sagaType() {
        return fold.sagaType;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void send(String step, Object command) {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(command, "command");
        if (step.isBlank()) {
            throw new IllegalArgumentException("step must not be blank");
        }
        int occurrence = occurrences.merge(step, 1, Integer::sum);
        commands.add(new Outgoing(step, command, occurrence));
    }

    @Override
    public void scheduleDeadline(String name, Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must be >= 0 (delay: " + delay + ")");
        }
        scheduleDeadlineAt(name, now.plus(delay));
    }

    @Override
    public void scheduleDeadlineAt(String name, Instant due) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(due, "due");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        cancelDeadline(name);
        String id = DeterministicIds.of(fold.streamId, "deadline", inputId, name).toString();
        deadlines.add(new InstanceFold.Deadline(name, due, id));
    }

    @Override
    public void cancelDeadline(String name) {
        Objects.requireNonNull(name, "name");
        deadlines.removeIf(deadline -> deadline.name().equals(name));
    }

    @Override
    public void complete() {
        completed = true;
    }

    @Override
    public void compensate(String reason) {
        Objects.requireNonNull(reason, "reason");
        if (compensationReason == null) {
            compensationReason = reason;
        }
    }
}
