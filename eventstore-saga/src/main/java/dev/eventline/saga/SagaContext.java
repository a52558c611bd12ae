package dev.eventline.saga;

import java.time.Duration;
import java.time.Instant;

/**
 * What a saga handler may do while it handles one input: send commands, schedule or cancel deadlines, complete
 * the saga or start its compensation.
 * <p>
 * Nothing happens while the handler runs: the runner sends the commands, in order, after the handler returned,
 * then records the new state, the commands and their outcomes in the instance's stream. Each command gets an id
 * derived from (saga id, input, step), so sending it again after a crash is harmless with an idempotent command
 * bus.
 * <p>
 * Thread-safety: confined to the handler call it is given to; do not keep it.
 *
 * @since 0.1
 */
public interface SagaContext {

    /** @return the saga instance's id */
    String sagaId();

    /** @return the saga type's name */
    String sagaType();

    /** @return the runner clock's current instant */
    Instant now();

    /**
     * Sends a command as a named step. When the command is accepted, the step is complete: its compensation (if
     * the saga type declares one for {@code step}) is pushed on the compensation stack and the type's
     * {@code onStepCompleted(step)} handler runs next. When it is rejected, {@code onStepRejected(step)} runs, or
     * compensation starts.
     *
     * @param step the step's name, as declared on the {@link SagaType}
     * @param command the command to dispatch
     */
    void send(String step, Object command);

    /**
     * Schedules (or reschedules) a deadline after a delay from {@link #now()}. When it passes while the saga is
     * running, {@code onDeadline(name)} runs, or compensation starts.
     *
     * @param name the deadline's name, unique within the instance
     * @param delay how long from now, {@code >= 0}
     */
    void scheduleDeadline(String name, Duration delay);

    /**
     * @param name the deadline's name, unique within the instance
     * @param due when it passes
     */
    void scheduleDeadlineAt(String name, Instant due);

    /**
     * @param name the deadline to cancel; nothing happens when there is none by that name
     */
    void cancelDeadline(String name);

    /** Finishes the saga as {@link SagaStatus#COMPLETED} once this handler's commands are accepted. */
    void complete();

    /**
     * Starts compensation: the compensations of the completed steps are sent, newest first.
     *
     * @param reason why, kept with the instance
     */
    void compensate(String reason);
}
