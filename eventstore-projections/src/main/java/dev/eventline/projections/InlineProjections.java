package dev.eventline.projections;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.AppendHook;
import dev.eventline.projections.internal.Names;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * JDBC read models updated inside each append's own transaction: when {@code append} returns, they show its
 * events; when a handler fails, the append is refused and nothing of it is stored; a crash can never keep one
 * without the other.
 * <p>
 * Register it as an {@link AppendHook} of the {@link dev.eventline.jdbc.JdbcEventStore}. The projections are
 * ordinary {@link Projection}s (the same handlers a {@link ProjectionRunner} runs); they write through
 * {@link ProjectionContext#connection()}, which is the append's connection, so their tables must live in the
 * event store's database. Each projection's checkpoint row (in a {@link JdbcCheckpointStore}) moves in the same
 * transaction, so the projection can later move to an async {@link ProjectionRunner}, or be rebuilt by one, from
 * the log. For each append, a projection runs only when the append holds events of its
 * {@link Projection#eventTypes()}; other appends cost nothing.
 * <pre>{@code
 * InlineProjections inline = InlineProjections.of(dataSource, balances, uniqueEmails);
 * inline.createSchema();                                 // checkpoints, and each projection's setUp
 * JdbcEventStore store = JdbcEventStore.builder(dataSource).appendHook(inline).build();
 * store.append("account-42", ExpectedVersion.any(), events);   // balances already show them
 * }</pre>
 * What to know:
 * <ul>
 *   <li><b>Keep handlers short.</b> They run while the append holds its stream's lock (on H2 the whole log's),
 *   and on PostgreSQL every {@code readAll} reader (async projections, sagas) waits for the append's commit.</li>
 *   <li><b>One append at a time per projection.</b> The checkpoint row is locked before the handlers run and
 *   until the commit, so a handler may read and then write its rows without races, and concurrent appends with
 *   events a projection handles are serialized on that projection.</li>
 *   <li><b>Exactly once.</b> A retried append that returns the original result, or one that loses a concurrency
 *   race, does not apply anything again.</li>
 *   <li><b>Failures.</b> A handler's exception refuses the append with
 *   {@link InlineProjectionFailedException}, naming the projection and the event. There is no retry or dead
 *   letter: the caller decides.</li>
 *   <li><b>Branches.</b> Appends to a branch ({@code store.branch(...)}) do not run append hooks: inline read
 *   models show the main log only. Run a {@link ProjectionRunner} over the branch for its read models.</li>
 *   <li><b>Rebuilds and runners.</b> A projection must not be written inline and by a runner at once: while a
 *   runner holds the projection's lease (running, catching up or rebuilding it), appends with events it handles
 *   are refused ({@link ProjectionRebuildingException} during a rebuild, retryable; else a
 *   {@link ConfigurationException}). To rebuild, run {@link ProjectionRunner#rebuild} then close the runner;
 *   it uses this checkpoint, and inline updates resume from where it ends.</li>
 *   <li><b>A projection added to a log that already has events</b> starts at its checkpoint (the start, when
 *   new): catch it up once with {@link ProjectionRunner#catchUp()} on the same checkpoint store before it
 *   becomes inline, while nothing appends.</li>
 * </ul>
 * For in-memory read models, or a store that is not JDBC, use {@link InlineProjectionStore}.
 * <p>
 * Thread-safety: immutable and safe for concurrent use; the hook is called on the appending threads.
 *
 * @since 0.1
 */
public final class InlineProjections implements AppendHook {

    private final JdbcCheckpointStore checkpoints;
    private final List<Projection> projections;
    /** The union of the projections' event types: an append with none of them returns at once. */
    private final Set<String> handledTypes;

    private InlineProjections(JdbcCheckpointStore checkpoints, List<Projection> projections) {
        this.checkpoints = checkpoints;
        this.projections = projections;
        Set<String> types = new HashSet<>();
        for (Projection projection : projections) {
            types.addAll(projection.eventTypes());
        }
        this.handledTypes = Set.copyOf(types);
    }

    /**
     * @param dataSource the event store's database, which also holds the read models and the checkpoints (default
     *     table prefix {@value JdbcCheckpointStore#DEFAULT_TABLE_PREFIX})
     * @param projections the projections, applied in this order within each append
     * @return the inline projections
     * @throws ConfigurationException when a projection declares no tables, or two share a name
     */
    public static InlineProjections of(DataSource dataSource, Projection... projections) {
        Objects.requireNonNull(dataSource, "dataSource");
        return of(CheckpointStore.jdbc(dataSource), projections);
    }

    /**
     * @param checkpoints where the checkpoints live (another prefix or schema); its database must be the event
     *     store's
     * @param projections the projections, applied in this order within each append
     * @return the inline projections
     * @throws ConfigurationException when a projection declares no tables, or two share a name
     */
    public static InlineProjections of(JdbcCheckpointStore checkpoints, Projection... projections) {
        Objects.requireNonNull(checkpoints, "checkpoints");
        Objects.requireNonNull(projections, "projections");
        if (projections.length == 0) {
            throw new ConfigurationException("no inline projections given. Pass at least one Projection.");
        }
        Map<String, Projection> byName = new LinkedHashMap<>();
        for (Projection projection : projections) {
            Objects.requireNonNull(projection, "projection");
            if (projection.tables().isEmpty()) {
                throw new ConfigurationException("inline projection '" + projection.name() + "' declares no "
                    + "tables(); inline projections write JDBC tables in the append's transaction. Declare its "
                    + "tables, or use InlineProjectionStore for an in-memory read model.");
            }
            if (byName.putIfAbsent(projection.name(), projection) != null) {
                throw new ConfigurationException("two inline projections are named '" + projection.name()
                    + "'. Give each projection its own name.");
            }
        }
        return new InlineProjections(checkpoints, List.copyOf(byName.values()));
    }

    /**
     * Creates the checkpoint tables, each projection's checkpoint row (at the start of the log, when new) and
     * its tables ({@link Projection#setUp}). Idempotent: call it at every start, before the first append.
     *
     * @throws ConfigurationException when a projection's {@code setUp} fails
     * @throws dev.eventline.core.StorageException when the database refuses
     */
    public void createSchema() {
        checkpoints.createSchema();
        for (Projection projection : projections) {
            checkpoints.load(projection.name());
            try {
                checkpoints.inTransaction(tx -> {
                    projection.setUp(context(projection, tx.connection(), liveTables(tx.connection(), projection)));
                    return null;
                });
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ConfigurationException("setting up the tables of inline projection '" + projection.name()
                    + "' failed: " + e + ". Check its setUp method.", e);
            }
        }
    }

    /**
     * @param projection an inline projection's name
     * @return the position up to which it has applied the log (every event it handles at or before it)
     * @throws IllegalArgumentException when no inline projection has that name
     */
    public LogPosition position(String projection) {
        Objects.requireNonNull(projection, "projection");
        for (Projection candidate : projections) {
            if (candidate.name().equals(projection)) {
                return checkpoints.load(projection);
            }
        }
        throw new IllegalArgumentException("no inline projection named '" + projection + "' (inline: "
            + names() + ").");
    }

    /** @return the names of the inline projections, in the order they are applied */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Projection projection : projections) {
            names.add(projection.name());
        }
        return names;
    }

    /**
     * Applies the appended events to each projection that handles some of them, and moves its checkpoint, in the
     * append's transaction. Called by the event store; not meant to be called directly.
     *
     * @param connection the append's connection, in its open transaction
     * @param appended the append's events
     * @throws InlineProjectionFailedException when a handler fails (the append rolls back)
     * @throws SQLException when the checkpoint cannot be moved (the append rolls back)
     */
    @Override
    public void onAppend(Connection connection, AppendResult appended) throws SQLException {
        if (!handlesAny(appended.events())) {
            return;
        }
        LogPosition last = appended.events().get(appended.events().size() - 1).position();
        for (Projection projection : projections) {
            List<RecordedEvent> handled = handledBy(projection, appended.events());
            if (handled.isEmpty()) {
                continue;
            }
            // The checkpoint row first: it serializes this projection's appends and makes a runner's batch wait.
            if (!checkpoints.advanceInTransaction(connection, projection.name(), last)) {
                throw new ConfigurationException("inline projection '" + projection.name() + "' has no checkpoint "
                    + "row (" + checkpoints + "). Call InlineProjections.createSchema() at start, before appending.");
            }
            refuseWhileARunnerWrites(connection, projection.name());
            ProjectionContext context = context(projection, connection, liveTables(connection, projection));
            for (RecordedEvent event : handled) {
                try {
                    projection.handle(event, context);
                } catch (Exception failure) {
                    throw new InlineProjectionFailedException(projection.name(), event, failure);
                }
            }
        }
    }

    private boolean handlesAny(List<RecordedEvent> events) {
        for (RecordedEvent event : events) {
            if (handledTypes.contains(event.type())) {
                return true;
            }
        }
        return false;
    }

    private static List<RecordedEvent> handledBy(Projection projection, List<RecordedEvent> events) {
        Set<String> types = projection.eventTypes();
        List<RecordedEvent> handled = new ArrayList<>();
        for (RecordedEvent event : events) {
            if (types.contains(event.type())) {
                handled.add(event);
            }
        }
        return handled;
    }

    private void refuseWhileARunnerWrites(Connection connection, String projection) throws SQLException {
        Optional<Lease> lease = checkpoints.liveLease(connection, projection, ShadowRebuild.shadowName(projection));
        if (lease.isEmpty()) {
            return;
        }
        if (lease.get().rebuilding()) {
            throw new ProjectionRebuildingException(projection, lease.get().owner(), lease.get().expiresAt());
        }
        throw new ConfigurationException("inline projection '" + projection + "' is also run by ProjectionRunner '"
            + lease.get().owner() + "' (lease: '" + lease.get().projection() + "' until " + lease.get().expiresAt()
            + "); two writers would apply events twice. Run it inline or in a runner, not both (a runner used for "
            + "a rebuild must be closed afterwards).");
    }

    /**
     * The projection's live tables, read in the append's transaction after its checkpoint row is locked: a shadow
     * rebuild with {@link JdbcCheckpointStore.Builder#generationTables(boolean) generation tables} switches in a
     * transaction that writes that row too, so the generation read here is the one readers see. Read on H2 whether
     * or not this store has the option, as the runner does: a projection once switched stays on generation tables.
     * PostgreSQL ignores the option and never switches by generation, so the read is skipped there.
     */
    private LiveTables liveTables(Connection connection, Projection projection) throws SQLException {
        int generation = checkpoints.isH2() ? checkpoints.liveTableGeneration(connection, projection.name()) : 0;
        return new LiveTables(projection.name(), generation);
    }

    private static ProjectionContext context(Projection projection, Connection connection, LiveTables live) {
        return new ProjectionContext() {
            @Override
            public String projectionName() {
                return projection.name();
            }

            @Override
            public Connection connection() {
                return connection;
            }

            @Override
            public String table(String baseName) {
                return live.table(Names.declaredTable(projection.name(), projection.tables(), baseName));
            }

            @Override
            public boolean isRebuilding() {
                return false;
            }
        };
    }

    @Override
    public String toString() {
        return "InlineProjections" + names();
    }
}
