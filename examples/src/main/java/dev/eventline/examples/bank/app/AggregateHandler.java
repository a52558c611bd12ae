package dev.eventline.examples.bank.app;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.ExpectedVersion;
import java.time.Instant;

/**
 * Runs commands against one kind of aggregate and rebuilds its state: the bridge between the bank's
 * application layer and Eventline's aggregate repository.
 * <p>
 * Thread-safety: implementations are safe for concurrent use.
 */
public interface AggregateHandler {

    /** @return the aggregate kind handled */
    AggregateKind<?, ?, ?> kind();

    /**
     * Loads, decides and appends.
     *
     * @param aggregateId the aggregate (its stream id)
     * @param command the domain command
     * @param expected the caller's expected version, or null to retry conflicts instead of reporting them
     * @param metadata the metadata to record on every event
     * @return what was appended
     */
    AppendResult handle(String aggregateId, Object command, ExpectedVersion expected, EventMetadata metadata);

    /**
     * @param aggregateId the aggregate
     * @param useSnapshot whether to start from the newest snapshot
     * @param toVersion the last version to apply, or null for all
     * @return the state
     */
    LoadedState load(String aggregateId, boolean useSnapshot, Long toVersion);

    /**
     * @param aggregateId the aggregate
     * @param asOf the instant
     * @return the state from the events recorded at or before {@code asOf}
     */
    LoadedState loadAsOf(String aggregateId, Instant asOf);
}
