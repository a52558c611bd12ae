package dev.eventline.projections;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a fresh copy of a projection beside the live one (shadow tables, or a new {@link ReadModel} instance)
 * with its own checkpoint, then switches it in under the live worker's lock once it has caught up.
 */
final class ShadowRebuild implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ShadowRebuild.class);

    private final ProjectionRunner runner;
    private final Worker live;
    private final String shadowName;
    private final CompletableFuture<ProjectionStatus> done = new CompletableFuture<>();
    private Track shadow;
    private long renewLeaseAtNanos;

    ShadowRebuild(ProjectionRunner runner, Worker live) {
        this.runner = runner;
        this.live = live;
        this.shadowName = shadowName(live.name());
    }

    static String shadowName(String projection) {
        return projection + ".shadow";
    }

    /** Checks the preconditions and takes the shadow's lease, on the caller's thread so errors reach the caller. */
    CompletableFuture<ProjectionStatus> begin() {
        Projection current = live.track.projection;
        if (live.readModel == null && current.tables().isEmpty()) {
            throw new IllegalArgumentException("projection '" + live.name() + "' has no shadow copy to build: "
                + "register it as a ReadModel, or declare its tables(), or use RebuildMode.TRUNCATE_AND_REPLAY.");
        }
        if (!runner.checkpoints.tryAcquireLease(shadowName, runner.ownerId, true, runner.leaseTimeout)) {
            Lease lease = runner.checkpoints.lease(shadowName).orElseThrow();
            throw new ProjectionRebuildingException(live.name(), lease.owner(), lease.expiresAt());
        }
        renewLeaseAtNanos = System.nanoTime() + runner.leaseTimeout.toNanos() / 3;
        int generation = runner.checkpoints.generation(live.name()) + 1;
        Projection copy = live.readModel != null ? live.readModel.fresh() : current;
        shadow = new Track(shadowName, copy, runner.checkpoints, live.track.policy, runner.clock,
            live.readModel == null, generation);
        shadow.rebuilding = true;
        return done;
    }

    @Override
    public void run() {
        try {
            prepare();
            while (!runner.isClosed()) {
                renewLease();
                List<RecordedEvent> batch = runner.store.readAll(shadow.position, runner.batchSize);
                if (batch.size() < runner.batchSize) {
                    break;
                }
                if (!apply(batch)) {
                    return;
                }
            }
            if (runner.isClosed()) {
                done.cancel(false);
                return;
            }
            switchOver();
        } catch (Exception | Error failure) {
            LOG.warn("the shadow rebuild of projection '{}' failed: {}", live.name(), failure.toString());
            done.completeExceptionally(failure);
        } finally {
            try {
                runner.checkpoints.releaseLease(shadowName, runner.ownerId);
            } catch (RuntimeException e) {
                LOG.warn("could not release the lease of '{}'; it lapses after the timeout: {}", shadowName,
                    e.toString());
            }
        }
    }

    private void renewLease() {
        long now = System.nanoTime();
        if (now - renewLeaseAtNanos >= 0) {
            if (!runner.checkpoints.tryAcquireLease(shadowName, runner.ownerId, true, runner.leaseTimeout)) {
                throw new IllegalStateException("lost the lease of '" + shadowName + "' during the rebuild; "
                    + "another runner took it. Rebuild again.");
            }
            renewLeaseAtNanos = now + runner.leaseTimeout.toNanos() / 3;
        }
    }

    private void prepare() throws Exception {
        Projection copy = shadow.projection;
        if (!copy.tables().isEmpty()) {
            runner.checkpoints.inTransaction(tx -> {
                try (Statement statement = tx.connection().createStatement()) {
                    for (String table : copy.tables()) {
                        statement.execute("DROP TABLE IF EXISTS " + shadow.tableName(table));
                    }
                }
                return null;
            });
            runner.checkpoints.inTransaction(tx -> {
                copy.setUp(shadow.context(tx));
                return null;
            });
        }
        runner.checkpoints.inTransaction(tx -> {
            tx.deleteDeadLetters(shadowName);
            tx.overwrite(shadowName, LogPosition.START, shadow.tableGeneration);
            return null;
        });
        shadow.position = LogPosition.START;
    }

    /**
     * Puts the shadow tables in place of the live ones, inside the switch's transaction.
     * <p>
     * PostgreSQL: renames, which are transactional, so readers see the old tables until the commit and the new
     * ones after it. H2 commits every DDL statement by itself, so renaming there would let a reader find a table
     * missing, or one table switched and another not. On H2 the rows are copied instead ({@code DELETE} from the
     * live table, {@code INSERT ... SELECT} from the shadow), which is plain DML in the same transaction as the
     * checkpoint: readers see all of the old read model or all of the new one. That needs the same columns; when a
     * rebuild changed a table's columns, H2 falls back to renaming (logged), and readers may briefly fail to find
     * the table.
     *
     * @return true when the rows were copied and the shadow tables are left to drop after the commit
     */
    private boolean switchTables(Connection connection, Projection copy) throws SQLException {
        boolean h2 = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
        if (h2 && sameColumnsEverywhere(connection, copy)) {
            try (Statement statement = connection.createStatement()) {
                for (String table : copy.tables()) {
                    StringBuilder columns = new StringBuilder();
                    for (String column : columns(connection, table).keySet()) {
                        // quoted as H2 reports them, so mixed-case quoted columns copy too
                        columns.append(columns.length() == 0 ? "" : ", ").append('"')
                            .append(column.replace("\"", "\"\"")).append('"');
                    }
                    statement.executeUpdate("DELETE FROM " + table);
                    statement.executeUpdate("INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM "
                        + shadow.tableName(table));
                }
            }
            return true;
        }
        if (h2) {
            LOG.warn("the shadow rebuild of projection '{}' changed the columns of its tables {}; on H2 they are "
                + "switched by renaming, which is not atomic for readers (a query may not find a table for a moment)",
                live.name(), copy.tables());
        }
        try (Statement statement = connection.createStatement()) {
            for (String table : copy.tables()) {
                String old = table + "__old";
                statement.execute("DROP TABLE IF EXISTS " + old);
                statement.execute("ALTER TABLE IF EXISTS " + table + " RENAME TO " + old);
                statement.execute("ALTER TABLE " + shadow.tableName(table) + " RENAME TO " + table);
                statement.execute("DROP TABLE IF EXISTS " + old);
            }
        }
        return false;
    }

    private boolean sameColumnsEverywhere(Connection connection, Projection copy) throws SQLException {
        for (String table : copy.tables()) {
            Map<String, String> current = columns(connection, table);
            if (current == null || !current.equals(columns(connection, shadow.tableName(table)))) {
                return false;
            }
        }
        return true;
    }

    /** @return the table's column names and types in order, or null when it does not exist */
    private static Map<String, String> columns(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet empty = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = empty.getMetaData();
            Map<String, String> columns = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.put(meta.getColumnName(i), meta.getColumnTypeName(i) + "(" + meta.getPrecision(i) + ","
                    + meta.getScale(i) + "," + meta.isNullable(i) + ")");
            }
            return columns;
        } catch (SQLException e) {
            if ("42S02".equals(e.getSQLState()) || "42S04".equals(e.getSQLState())
                || "42P01".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    private boolean apply(List<RecordedEvent> batch) throws Exception {
        Track.Result result = shadow.process(batch, () -> !runner.isClosed(), duration -> {
            runner.signal.await(duration);
            return !runner.isClosed();
        });
        if (result == Track.Result.FAILED) {
            done.completeExceptionally(new ProjectionFailedException(live.name(), shadow.failedEvent, shadow.error));
            return false;
        }
        if (result == Track.Result.FENCED || result == Track.Result.STOPPED) {
            done.completeExceptionally(new IllegalStateException("the shadow rebuild of '" + live.name()
                + "' was interrupted (" + result + "). Rebuild again."));
            return false;
        }
        return true;
    }

    private void switchOver() throws Exception {
        live.lock.lock();
        try {
            while (true) {
                List<RecordedEvent> batch = runner.store.readAll(shadow.position, runner.batchSize);
                if (batch.isEmpty()) {
                    break;
                }
                if (!apply(batch)) {
                    return;
                }
            }
            LogPosition position = shadow.position;
            int generation = shadow.tableGeneration;
            Projection copy = shadow.projection;
            boolean[] copied = {false};
            runner.checkpoints.inTransaction(tx -> {
                if (live.readModel == null) {
                    copied[0] = switchTables(tx.connection(), copy);
                }
                tx.deleteDeadLetters(live.name());
                tx.moveDeadLetters(shadowName, live.name());
                tx.overwrite(live.name(), position, generation);
                tx.delete(shadowName);
                return null;
            });
            if (copied[0]) {
                // after the commit: on H2 a DROP commits by itself, so it must not run inside the switch
                runner.checkpoints.inTransaction(tx -> {
                    try (Statement statement = tx.connection().createStatement()) {
                        for (String table : copy.tables()) {
                            statement.execute("DROP TABLE IF EXISTS " + shadow.tableName(table));
                        }
                    }
                    return null;
                });
            }
            if (live.readModel != null) {
                live.readModel.swap(copy);
                live.track.projection = copy;
            }
            live.track.position = position;
            live.track.parkedStreams.clear();
            live.track.parkedStreams.addAll(shadow.parkedStreams);
        } finally {
            live.lock.unlock();
        }
        runner.progress.signalAll();
        done.complete(runner.status(live.name()));
    }
}
