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
 * @param fingerprint a hash of the request's content, to refuse reusing an id for another command
 */
public record CommandRequest(String commandType, String aggregateId, CommandTypes.Parsed parsed,
                             ExpectedVersion expectedVersion, EventMetadata metadata, String commandId,
                             String fingerprint) {

    /** Validates the required fields. */
    public CommandRequest {
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(parsed, "parsed");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(fingerprint, "fingerprint");
    }
}
