package dev.eventline.examples.bank.app;

import dev.eventline.core.EventStore;
import dev.eventline.examples.bank.readmodel.ProjectionEngine;
import dev.eventline.examples.bank.readmodel.ProjectionStatus;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The {@code /health} checks: the event store answers, the database answers, no read model has failed.
 * <p>
 * The application is {@code DOWN} (503) when the event store or the database is unreachable; a failed read model
 * shows as {@code DOWN} in its check without taking the whole application down (its queries still answer from
 * the last state it reached).
 */
public final class Health {

    private final EventStore store;
    private final DataSource dataSource;
    private final ProjectionEngine projections;

    /**
     * A health answer.
     *
     * @param status {@code UP} or {@code DOWN}
     * @param checks each check's {@code UP} or {@code DOWN}
     */
    public record Report(String status, Map<String, String> checks) {
        /** @return true when the application is up */
        public boolean up() {
            return status.equals("UP");
        }
    }

    /**
     * @param store the event store
     * @param dataSource the database
     * @param projections the read models' runner
     */
    public Health(EventStore store, DataSource dataSource, ProjectionEngine projections) {
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.projections = Objects.requireNonNull(projections, "projections");
    }

    /** @return the current health */
    public Report check() {
        var checks = new LinkedHashMap<String, String>();
        boolean database = false;
        try (Connection c = dataSource.getConnection()) {
            database = c.isValid(2);
        } catch (Exception e) {
            // Any failure to reach the database is reported as DOWN, which is this method's whole purpose.
            database = false;
        }
        boolean eventStore = false;
        if (database) {
            try {
                store.headPosition();
                eventStore = true;
            } catch (RuntimeException e) {
                eventStore = false;
            }
        }
        boolean readModels = true;
        for (ProjectionStatus status : projections.statuses()) {
            readModels &= !status.status().equals("failed") && !status.status().equals("stopped");
        }
        checks.put("event_store", eventStore ? "UP" : "DOWN");
        checks.put("database", database ? "UP" : "DOWN");
        checks.put("projections", readModels ? "UP" : "DOWN");
        return new Report(database && eventStore ? "UP" : "DOWN", checks);
    }
}
