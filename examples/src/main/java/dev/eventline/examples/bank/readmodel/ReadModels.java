package dev.eventline.examples.bank.readmodel;

import dev.eventline.core.LogPosition;
import dev.eventline.core.query.ReadModelProgress;
import dev.eventline.projections.CheckpointStore;
import dev.eventline.projections.ProjectionFailedException;
import dev.eventline.projections.ProjectionRebuildingException;
import dev.eventline.projections.ProjectionRunner;
import dev.eventline.projections.ProjectionState;
import dev.eventline.projections.RebuildMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bank's view of its read models: their status in the API's words, rebuilds, and read-your-writes waits,
 * on Eventline's {@link ProjectionRunner}.
 * <p>
 * Thread-safety: safe for concurrent use.
 */
public final class ReadModels implements ReadModelProgress {

    private final ProjectionRunner runner;
    private final CheckpointStore checkpoints;
    private final Map<String, CompletableFuture<?>> rebuilds = new ConcurrentHashMap<>();

    /**
     * @param runner the started runner of the read models
     * @param checkpoints the runner's checkpoint store (each read model's committed position)
     */
    public ReadModels(ProjectionRunner runner, CheckpointStore checkpoints) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    }

    /**
     * The bank's read models, new instances: what the application runs over main, and over each branch.
     *
     * @return {@code account_balance}, {@code order_summary}, {@code inventory} and {@code user_activity}
     */
    public static List<ReadModel> bankModels() {
        return List.of(new AccountBalanceModel(), new OrderSummaryModel(), new InventoryModel(),
            new UserActivityModel());
    }

    /**
     * The committed checkpoint of a read model: what the query cache compares against.
     *
     * @param readModel a read model's name
     * @return the position of the last event its tables reflect
     */
    @Override
    public LogPosition position(String readModel) {
        return checkpoints.load(readModel);
    }

    /** @return the names of the read models, in registration order */
    public List<String> names() {
        return runner.projectionNames();
    }

    /**
     * @param name a read model's name
     * @return true when it exists
     */
    public boolean has(String name) {
        return runner.projectionNames().contains(name);
    }

    /**
     * @param name a read model's name
     * @return its status
     */
    public ProjectionStatus status(String name) {
        return map(runner.status(name));
    }

    private ProjectionStatus map(dev.eventline.projections.ProjectionStatus status) {
        ProjectionStatus mapped = mapState(status);
        CompletableFuture<?> rebuild = rebuilds.get(status.name());
        if (rebuild != null && !rebuild.isDone() && !mapped.status().equals("failed")) {
            return new ProjectionStatus(mapped.name(), "rebuilding", mapped.position(), mapped.lag(), null);
        }
        return mapped;
    }

    /** @return every read model's status */
    public List<ProjectionStatus> statuses() {
        var result = new ArrayList<ProjectionStatus>();
        for (var status : runner.statuses()) {
            result.add(map(status));
        }
        return result;
    }

    private static ProjectionStatus mapState(dev.eventline.projections.ProjectionStatus status) {
        ProjectionState state = status.state();
        // STANDBY (another instance owns the projection) is not one of the API's words; here it is "stopped".
        String word = state == ProjectionState.STANDBY ? "stopped" : state.name().toLowerCase(Locale.ROOT);
        String error = status.error() == null ? null : "the projection stopped on an event it could not apply; "
            + "see the server log";
        return new ProjectionStatus(status.name(), word, status.position().position(), Math.max(0,
            status.lagEvents()), error);
    }

    /**
     * Starts a rebuild into a shadow copy; queries keep reading the current tables until the copy has caught up.
     * Asking while a rebuild runs changes nothing.
     *
     * @param name a read model's name
     * @return the status right after the request
     */
    public ProjectionStatus rebuild(String name) {
        rebuilds.compute(name, (key, running) -> {
            if (running != null && !running.isDone()) {
                return running; // the contract makes rebuild idempotent while one runs
            }
            try {
                return runner.rebuild(name, RebuildMode.SHADOW);
            } catch (ProjectionRebuildingException alreadyRunning) {
                return running == null ? CompletableFuture.completedFuture(null) : running;
            }
        });
        return status(name);
    }

    /**
     * Waits on the runner's own progress signal rather than polling the checkpoint table.
     *
     * @param name a read model's name
     * @param target the log position to reach
     * @param timeout the longest wait
     * @return true when reached, false on timeout or when the read model has failed
     */
    @Override
    public boolean awaitPosition(String name, LogPosition target, Duration timeout) {
        try {
            return runner.awaitPosition(name, target, timeout);
        } catch (ProjectionFailedException e) {
            return false;
        }
    }

    /** Asks the runner to look for new events now. */
    public void wake() {
        runner.wake();
    }
}
