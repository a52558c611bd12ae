package dev.eventline.examples.bank.app;

import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.examples.bank.http.CommandTypes;
import java.util.Objects;

/**
 * A command as it arrived over HTTP, parsed and checked.
 *
 * @param commandType the {@code command_type}
 * @param aggregateId the {@code aggregate_id}
 * @param parsed the domain command and its aggregate type
 * @param expectedVersion the caller's {@code expected_version}, or null for "whatever it is now" (then
 *     concurrency conflicts are retried, never reported)
 * @param metadata the event metadata to record
 * @param commandId the idempotency id ({@code command_id} or {@code Idempotency-Key}), or null
 */
public record CommandRequest(String commandType, String aggregateId, CommandTypes.Parsed parsed,
                             ExpectedVersion expectedVersion, EventMetadata metadata, String commandId) {

    /**
     * The earlier form, with a request fingerprint; the fingerprint is now computed by Eventline's
     * {@link dev.eventline.core.command.IdempotencyMiddleware} from the command itself, so it is ignored here.
     *
     * @param commandType the {@code command_type}
     * @param aggregateId the {@code aggregate_id}
     * @param parsed the domain command and its aggregate type
     * @param expectedVersion the caller's expected version, or null
     * @param metadata the event metadata to record
     * @param commandId the idempotency id, or null
     * @param fingerprint ignored
     */
    public CommandRequest(String commandType, String aggregateId, CommandTypes.Parsed parsed,
                          ExpectedVersion expectedVersion, EventMetadata metadata, String commandId,
                          String fingerprint) {
        this(commandType, aggregateId, parsed, expectedVersion, metadata, commandId);
    }

    /** Validates the required fields. */
    public CommandRequest {
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(parsed, "parsed");
        Objects.requireNonNull(metadata, "metadata");
    }
}
