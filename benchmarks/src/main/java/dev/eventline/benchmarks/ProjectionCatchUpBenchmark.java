package dev.eventline.benchmarks;

import dev.eventline.core.RecordedEvent;
import dev.eventline.projections.JdbcCheckpointStore;
import dev.eventline.projections.Projection;
import dev.eventline.projections.ProjectionContext;
import dev.eventline.projections.ProjectionRunner;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Projection catch-up into a JDBC read model: a new projection reads the whole log (written beforehand) and
 * keeps one balance row per stream, its rows and checkpoint committed together per batch of
 * {@value #BATCH} events; each event is decoded with Jackson and applied with one {@code UPDATE}. Beside it the
 * ceiling: plain JDBC doing the same (page the log by position, decode, the same {@code UPDATE}, a checkpoint
 * row, one commit per batch). One operation is a full catch-up; events per second is {@code logSize / score}.
 * {@code handler=bulk} is the same projection written with {@link Projection#handleBatch}: a batch's movements
 * summed per stream and written with one JDBC batch (the ceiling's {@code handler=bulk} does the same SQL).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2)
@Measurement(iterations = 3)
public class ProjectionCatchUpBenchmark {

    static final int BATCH = ProjectionCatchUpCeilingBenchmark.BATCH;

    /** h2mem or postgres (h2mem with {@code -p db=h2mem}: the catch-up target is on PostgreSQL). */
    @Param({"postgres"})
    public String db;

    /** Events in the log. */
    @Param({"20000"})
    public int logSize;

    /** row: one UPDATE per event ({@code handle}); bulk: one JDBC batch per batch ({@code handleBatch}). */
    @Param({"row", "bulk"})
    public String handler;

    private Fixture fixture;
    private JdbcCheckpointStore checkpoints;
    private int round;
    private String name;
    private ProjectionRunner runner;

    /** Writes the log through Eventline and creates the checkpoint tables. */
    @Setup
    public void setUp() {
        fixture = Fixture.open(db);
        fixture.writeLog(logSize);
        checkpoints = JdbcCheckpointStore.builder(fixture.database.dataSource).build();
        checkpoints.createSchema();
    }

    /** Closes the store and its database. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** A new projection (new name, new table) for each catch-up, so each one starts from the beginning. */
    @Setup(Level.Iteration)
    public void newProjection() {
        name = "balances_" + (++round);
        String table = name;
        Projection projection = Projection.builder(name)
            .tables(table)
            .setUp(context -> BalanceReadModel.createTable(context.connection(), context.table(table)))
            .on(BankEvents.DEPOSITED, (event, context) -> apply(event, context, table))
            .on(BankEvents.WITHDRAWN, (event, context) -> apply(event, context, table))
            .build();
        if ("bulk".equals(handler)) {
            projection = new BulkBalances(projection, table);
        }
        runner = ProjectionRunner.builder(fixture.store).checkpoints(checkpoints).register(projection)
            .batchSize(BATCH).build();
    }

    /** Checks the read model and closes the runner. */
    @TearDown(Level.Iteration)
    public void checkAndClose() throws SQLException {
        runner.close();
        BalanceReadModel.check(fixture.database.dataSource, name, logSize);
    }

    private static void apply(RecordedEvent event, ProjectionContext context, String table) throws SQLException {
        BalanceReadModel.apply(context.connection(), context.table(table), event.streamId(), event.type(),
            event.payload());
    }

    /** The same projection, with a {@code handleBatch} that writes one JDBC batch per batch of events. */
    private record BulkBalances(Projection rows, String table) implements Projection {
        @Override
        public String name() {
            return rows.name();
        }

        @Override
        public Set<String> eventTypes() {
            return rows.eventTypes();
        }

        @Override
        public Set<String> tables() {
            return rows.tables();
        }

        @Override
        public void setUp(ProjectionContext context) throws Exception {
            rows.setUp(context);
        }

        @Override
        public void handle(RecordedEvent event, ProjectionContext context) throws Exception {
            rows.handle(event, context);
        }

        @Override
        public void handleBatch(List<RecordedEvent> events, ProjectionContext context) throws SQLException {
            ProjectionCatchUpCeilingBenchmark.Movements movements = new ProjectionCatchUpCeilingBenchmark.Movements();
            for (RecordedEvent event : events) {
                movements.add(event.streamId(), event.type(), event.payload());
            }
            movements.flush(context.connection(), context.table(table));
        }
    }

    /** Eventline: the runner catches the new projection up to the head. */
    @Benchmark
    public void eventlineCatchUp() {
        runner.catchUp();
    }
}
