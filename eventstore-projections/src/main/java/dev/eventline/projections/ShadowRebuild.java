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
 * <p>
 * How JDBC tables switch: on PostgreSQL by renaming them in the switch's transaction (DDL is transactional); on
 * H2 by copying the rows in one transaction ({@link #switchTables}), or, with
 * {@link JdbcCheckpointStore.Builder#generationTables}, by moving the projection to the rebuilt
 * {@code <table>__g<generation>} tables in the checkpoint's transaction (readers resolve names with
 * {@link JdbcCheckpointStore#liveTables}); see the module README, "Rebuilds".
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
        // above the live tables' generation too, so that preparing the shadow can never drop the live tables
        int generation = Math.max(runner.checkpoints.generation(live.name()),
            runner.checkpoints.generation(JdbcCheckpointStore.liveTablesRow(live.name()))) + 1;
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

    /** A column as the database reports it: its type with length, precision and scale, and its nullability. */
    private record Column(String type, boolean nullable) {
    }

    /**
     * How to switch one H2 table by copying rows: the shadow's columns to copy, and the live columns to change
     * in place (H2 alters a column's nullability without rebuilding the table, so readers are not disturbed).
     */
    private record CopyPlan(String table, List<String> columns, List<String> makeNullable,
                            List<String> makeNotNull, List<String> leftBehind) {
    }

    /**
     * Decides, before the switch's transaction, whether H2 can switch every table by copying rows, and makes
     * the live tables ready for it: a live column the shadow makes nullable, or no longer has, loses its
     * {@code NOT NULL} (in place). Copying needs every shadow column in the live table with the same type; a column
     * the rebuild added or retyped would need {@code ADD COLUMN} or {@code ALTER COLUMN ... SET DATA TYPE}, which H2
     * runs by rebuilding the table under a new name, so that readers fail to find it for a moment (seen in tests).
     *
     * @return the plans, or null when some table cannot be copied (the switch then renames, not atomic for readers)
     */
    private List<CopyPlan> prepareH2Copy(Connection connection, Projection copy) throws SQLException {
        List<CopyPlan> plans = new java.util.ArrayList<>();
        List<String> reasons = new java.util.ArrayList<>();
        for (String table : copy.tables()) {
            Map<String, Column> current = columns(connection, table);
            Map<String, Column> rebuilt = columns(connection, shadow.tableName(table));
            if (current == null || rebuilt == null) {
                reasons.add(table + ": the live table does not exist");
                continue;
            }
            List<String> makeNullable = new java.util.ArrayList<>();
            List<String> makeNotNull = new java.util.ArrayList<>();
            List<String> leftBehind = new java.util.ArrayList<>();
            for (Map.Entry<String, Column> column : rebuilt.entrySet()) {
                Column live = current.get(column.getKey());
                if (live == null) {
                    reasons.add(table + "." + column.getKey() + ": added by the rebuild");
                } else if (!live.type().equals(column.getValue().type())) {
                    reasons.add(table + "." + column.getKey() + ": type " + live.type() + " became "
                        + column.getValue().type());
                } else if (live.nullable() != column.getValue().nullable()) {
                    (live.nullable() ? makeNotNull : makeNullable).add(column.getKey());
                }
            }
            for (Map.Entry<String, Column> column : current.entrySet()) {
                if (!rebuilt.containsKey(column.getKey())) {
                    leftBehind.add(column.getKey());
                    if (!column.getValue().nullable()) {
                        makeNullable.add(column.getKey());
                    }
                }
            }
            plans.add(new CopyPlan(table, List.copyOf(rebuilt.keySet()), makeNullable, makeNotNull, leftBehind));
        }
        if (!reasons.isEmpty()) {
            LOG.warn("the shadow rebuild of projection '{}' changed its tables in ways H2 cannot apply atomically "
                + "by copying rows ({}); the tables are switched by renaming, and a query may not find a table for "
                + "a moment. Retry such queries, or opt in to JdbcCheckpointStore.Builder.generationTables(true) "
                + "(atomic for every column change; readers resolve table names with liveTables), or change table "
                + "schemas on H2 with RebuildMode.TRUNCATE_AND_REPLAY.", live.name(), reasons);
            return null;
        }
        try (Statement statement = connection.createStatement()) {
            for (CopyPlan plan : plans) {
                for (String column : plan.makeNullable()) {
                    statement.execute("ALTER TABLE " + plan.table() + " ALTER COLUMN " + quoted(column)
                        + " SET NULL");
                }
            }
        } catch (SQLException e) {
            // e.g. a column the rebuild dropped is part of the live table's primary key
            LOG.warn("the shadow rebuild of projection '{}' could not make the live columns it no longer fills "
                + "nullable ({}); the tables are switched by renaming, and a query may not find a table for a "
                + "moment.", live.name(), e.toString());
            return null;
        }
        return plans;
    }

    /**
     * Puts the shadow tables in place of the live ones, inside the switch's transaction.
     * <p>
     * PostgreSQL: renames, which are transactional, so readers see the old tables until the commit and the new
     * ones after it. H2 commits every DDL statement by itself, so renaming there would let a reader find a table
     * missing, or one table switched and another not. On H2 the rows are copied instead ({@code DELETE} from the
     * live table, {@code INSERT ... SELECT} from the shadow), which is plain DML in the same transaction as the
     * checkpoint: readers see all of the old read model or all of the new one. See {@link #prepareH2Copy} for the
     * column changes that allows; for the others ({@code plans} null) H2 falls back to renaming.
     *
     * @param plans on H2, the tables to copy; null to rename
     */
    private void switchTables(Connection connection, Projection copy, List<CopyPlan> plans) throws SQLException {
        if (plans != null) {
            try (Statement statement = connection.createStatement()) {
                for (CopyPlan plan : plans) {
                    StringBuilder columns = new StringBuilder();
                    for (String column : plan.columns()) {
                        columns.append(columns.length() == 0 ? "" : ", ").append(quoted(column));
                    }
                    statement.executeUpdate("DELETE FROM " + plan.table());
                    statement.executeUpdate("INSERT INTO " + plan.table() + " (" + columns + ") SELECT " + columns
                        + " FROM " + shadow.tableName(plan.table()));
                }
            }
            return;
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
    }

    /** After a copy switch's commit: the shadow's NOT NULL columns become NOT NULL live too (in place on H2). */
    private void finishH2Copy(Connection connection, List<CopyPlan> plans) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (CopyPlan plan : plans) {
                for (String column : plan.makeNotNull()) {
                    statement.execute("ALTER TABLE " + plan.table() + " ALTER COLUMN " + quoted(column)
                        + " SET NOT NULL");
                }
                if (!plan.leftBehind().isEmpty()) {
                    LOG.warn("projection '{}': the live table {} keeps the columns {} that the rebuilt projection "
                        + "no longer creates, holding their default (NULL when none) in every row: on H2 dropping a "
                        + "column is not atomic for readers. Drop them once no query reads them.", live.name(), plan.table(),
                        plan.leftBehind());
                }
            }
        }
    }

    /** Quoted as H2 reports the name, so mixed-case quoted columns work too. */
    private static String quoted(String column) {
        return '"' + column.replace("\"", "\"\"") + '"';
    }

    /** @return the table's columns with their types in order, or null when it does not exist */
    private static Map<String, Column> columns(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet empty = statement.executeQuery("SELECT * FROM " + table + " WHERE 1 = 0")) {
            ResultSetMetaData meta = empty.getMetaData();
            Map<String, Column> columns = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                columns.put(meta.getColumnName(i), new Column(meta.getColumnTypeName(i) + "(" + meta.getPrecision(i)
                    + "," + meta.getScale(i) + ")", meta.isNullable(i) != ResultSetMetaData.columnNoNulls));
            }
            return columns;
        } catch (SQLException e) {
            if ("42S02".equals(e.getSQLState()) || "42S04".equals(e.getSQLState())
                || "42P01".equals(e.getSQLState()) || "42102".equals(e.getSQLState())) {
                return null;
            }
            throw e;
        }
    }

    /**
     * Whether this switch goes by table generation: on H2, when the checkpoint store opted in
     * ({@link JdbcCheckpointStore.Builder#generationTables}) or the projection already has generation tables
     * (switching it back to its base names could not be atomic).
     *
     * @return the generation of the live tables the switch replaces (0: their base names), or -1 when the switch
     *     copies rows or renames tables instead
     */
    private int replacedTableGeneration() {
        if (!(runner.checkpoints instanceof JdbcCheckpointStore jdbc) || !jdbc.isH2()) {
            return -1;
        }
        int current = jdbc.generation(JdbcCheckpointStore.liveTablesRow(live.name()));
        return jdbc.generationTables() || current > 0 ? current : -1;
    }

    /**
     * After a generation switch's commit: drops the projection's tables other than the new live ones and the ones
     * they replaced (a reader that resolved the names just before the switch may still be querying those; they go
     * at the next switch). Leftovers of a crash are found by name, so they go too. A failure here is only logged:
     * the switch has happened, and the next switch tries again.
     */
    private void dropOldGenerations(Projection copy, int liveGeneration, int replaced) {
        try {
            runner.checkpoints.inTransaction(tx -> {
                Connection connection = tx.connection();
                List<String> old = new java.util.ArrayList<>();
                try (ResultSet tables = connection.getMetaData().getTables(null, connection.getSchema(), null,
                    null)) {
                    while (tables.next()) {
                        String name = tables.getString("TABLE_NAME");
                        String type = tables.getString("TABLE_TYPE");
                        if (type != null && type.toUpperCase(Locale.ROOT).contains("TABLE")
                            && isOldGeneration(copy, name, liveGeneration, replaced)) {
                            old.add(name);
                        }
                    }
                }
                try (Statement statement = connection.createStatement()) {
                    for (String table : old) {
                        statement.execute("DROP TABLE IF EXISTS " + quoted(table));
                    }
                }
                if (!old.isEmpty()) {
                    LOG.info("projection '{}': dropped the tables of earlier generations {}", live.name(), old);
                }
                return null;
            });
        } catch (Exception e) {
            LOG.warn("projection '{}' switched to table generation {}, but dropping the tables of earlier "
                + "generations failed; the next switch tries again: {}", live.name(), liveGeneration, e.toString());
        }
    }

    /** @return whether {@code name} is one of the projection's tables, of a generation neither live nor replaced */
    private static boolean isOldGeneration(Projection copy, String name, int liveGeneration, int replaced) {
        for (String table : copy.tables()) {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile(
                java.util.regex.Pattern.quote(table) + "(?:__g([0-9]{1,9}))?",
                java.util.regex.Pattern.CASE_INSENSITIVE).matcher(name);
            if (matcher.matches()) {
                int generation = matcher.group(1) == null ? 0 : Integer.parseInt(matcher.group(1));
                return generation != liveGeneration && generation != replaced;
            }
        }
        return false;
    }

    private static boolean isH2(Connection connection) throws SQLException {
        return connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("h2");
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
            // the generation of the live tables this switch replaces (0: base names), or -1 to copy or rename
            int replaced = live.readModel == null ? replacedTableGeneration() : -1;
            boolean byGeneration = replaced >= 0;
            List<CopyPlan> plans = null;
            if (live.readModel == null && !byGeneration) {
                // on H2 its DDL commits by itself: before the switch's transaction, never inside it
                plans = runner.checkpoints.inTransaction(tx -> isH2(tx.connection())
                    ? prepareH2Copy(tx.connection(), copy) : null);
            }
            List<CopyPlan> copyPlans = plans;
            try {
                runner.checkpoints.inTransaction(tx -> {
                    if (live.readModel == null && !byGeneration) {
                        switchTables(tx.connection(), copy, copyPlans);
                    }
                    tx.deleteDeadLetters(live.name());
                    tx.moveDeadLetters(shadowName, live.name());
                    tx.overwrite(live.name(), position, generation);
                    if (byGeneration) {
                        // the whole switch: readers resolving the names now get the rebuilt tables
                        tx.overwrite(JdbcCheckpointStore.liveTablesRow(live.name()), LogPosition.START, generation);
                    }
                    tx.delete(shadowName);
                    return null;
                });
            } catch (Exception | Error failure) {
                if (byGeneration) {
                    // the commit may have happened (a lost reply): the live copy reads its table generation again
                    // in its next batch's transaction, so it never writes to tables readers no longer see
                    live.track.liveTableGeneration = -1;
                }
                throw failure;
            }
            if (byGeneration) {
                live.track.liveTableGeneration = generation;
                dropOldGenerations(copy, generation, replaced);
            }
            if (copyPlans != null) {
                // after the commit: on H2 DDL commits by itself, so it must not run inside the switch
                runner.checkpoints.inTransaction(tx -> {
                    finishH2Copy(tx.connection(), copyPlans);
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
