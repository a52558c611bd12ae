package dev.eventline.saga;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One command a saga instance sent, as recorded in its stream: for operators and the HTTP API.
 *
 * @param name the step's name
 * @param commandId the command's deterministic id
 * @param commandType the command's simple class name (informational only, never used to load a class)
 * @param compensation true when the command undid an earlier step
 * @param accepted true when the command was accepted, false when it was rejected
 * @param reason why it was rejected, or null when it was accepted
 * @param recordedAt when the outcome was recorded
 * @since 0.1
 */
public record SagaStep(String name, UUID commandId, String commandType, boolean compensation, boolean accepted,
                       String reason, Instant recordedAt) {

    /** Checks the required fields. */
    public SagaStep {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(recordedAt, "recordedAt");
    }
}
