package dev.eventline.projections;

import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Tests a projection: given these events, the read model answers this query.
 * <p>
 * Each {@link #then} runs the given events through a fresh in-memory event store and a {@link ProjectionRunner}
 * (so the test exercises the same type filtering and ordering as production), then hands the read model to the
 * assertion. A handler that throws fails the test with {@link ProjectionFailedException}. For JDBC read models,
 * {@link #jdbc} empties the projection's tables first and the assertion queries the database.
 * <p>
 * Thread-safety: not thread-safe; use one fixture per test.
 * <pre>{@code
 * ProjectionFixture.of(AccountBalances::new)
 *     .given("account-1", EventData.of("MoneyDeposited", "{\"cents\":500}"))
 *     .given("account-1", EventData.of("MoneyWithdrawn", "{\"cents\":200}"))
 *     .then(balances -> assertThat(balances.centsOf("account-1")).isEqualTo(300));
 * }</pre>
 *
 * @param <P> the projection type
 * @since 0.1
 */
public final class ProjectionFixture<P extends Projection> {

    private final Supplier<P> factory;
    private final DataSource dataSource;
    private final List<Map.Entry<String, EventData>> given = new ArrayList<>();

    private ProjectionFixture(Supplier<P> factory, DataSource dataSource) {
        this.factory = factory;
        this.dataSource = dataSource;
    }

    /**
     * @param factory makes a fresh in-memory read model
     * @param <P> the projection type
     * @return a fixture with no events yet
     */
    public static <P extends Projection> ProjectionFixture<P> of(Supplier<P> factory) {
        return new ProjectionFixture<>(Objects.requireNonNull(factory, "factory"), null);
    }

    /**
     * @param projection a JDBC projection
     * @param dataSource the database of its tables; the fixture creates the checkpoint tables there
     * @param <P> the projection type
     * @return a fixture with no events yet
     */
    public static <P extends Projection> ProjectionFixture<P> jdbc(P projection, DataSource dataSource) {
        Objects.requireNonNull(projection, "projection");
        return new ProjectionFixture<>(() -> projection, Objects.requireNonNull(dataSource, "dataSource"));
    }

    /**
     * @param streamId the stream the events belong to
     * @param events events appended to it, in order
     * @return this fixture
     */
    public ProjectionFixture<P> given(String streamId, EventData... events) {
        Objects.requireNonNull(streamId, "streamId");
        for (EventData event : events) {
            given.add(Map.entry(streamId, Objects.requireNonNull(event, "event")));
        }
        return this;
    }

    /**
     * @param streamId the stream the event belongs to
     * @param type the event's type name
     * @param json the event's JSON payload
     * @return this fixture
     */
    public ProjectionFixture<P> given(String streamId, String type, String json) {
        return given(streamId, EventData.of(type, json));
    }

    /**
     * Applies the given events to a fresh read model and returns it.
     *
     * @return the read model after every given event
     * @throws ProjectionFailedException when a handler throws
     */
    public P readModel() {
        EventStore store = EventStore.inMemory();
        for (Map.Entry<String, EventData> entry : given) {
            store.append(entry.getKey(), ExpectedVersion.any(), List.of(entry.getValue()));
        }
        P projection = factory.get();
        CheckpointStore checkpoints = dataSource == null ? CheckpointStore.inMemory() : resetJdbc(projection);
        ProjectionRunner runner = ProjectionRunner.builder(store).checkpoints(checkpoints)
            .errorPolicy(ErrorPolicy.retryThenStop(0, java.time.Duration.ofMillis(1)))
            .register(projection).build();
        runner.catchUp();
        return projection;
    }

    private CheckpointStore resetJdbc(P projection) {
        JdbcCheckpointStore checkpoints = JdbcCheckpointStore.builder(dataSource).build();
        checkpoints.createSchema();
        Track track = new Track(projection.name(), projection, checkpoints, ErrorPolicy.defaults(),
            java.time.InstantSource.system(), false, 0);
        try {
            checkpoints.inTransaction(tx -> {
                projection.setUp(track.context(tx));
                return null;
            });
            checkpoints.inTransaction(tx -> {
                projection.reset(track.context(tx));
                tx.deleteDeadLetters(projection.name());
                tx.overwrite(projection.name(), LogPosition.START, 0);
                return null;
            });
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("preparing the tables of projection '" + projection.name()
                + "' failed: " + e, e);
        }
        return checkpoints;
    }

    /**
     * Applies the given events to a fresh read model and runs an assertion on it.
     *
     * @param assertion checks the read model (for JDBC: query the database)
     * @return this fixture, to add events and assert again
     * @throws ProjectionFailedException when a handler throws
     */
    public ProjectionFixture<P> then(Assertion<P> assertion) {
        Objects.requireNonNull(assertion, "assertion");
        P readModel = readModel();
        try {
            assertion.check(readModel);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("the assertion on projection '" + readModel.name() + "' threw " + e, e);
        }
        return this;
    }

    /**
     * An assertion about a read model; may throw checked exceptions (such as {@link java.sql.SQLException}).
     *
     * @param <P> the projection type
     */
    @FunctionalInterface
    public interface Assertion<P> {
        /**
         * @param readModel the read model after the given events
         * @throws Exception when the check cannot run
         */
        void check(P readModel) throws Exception;
    }
}
