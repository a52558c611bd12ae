package dev.eventline.examples.bank.app;

import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.StorageException;
import dev.eventline.core.command.LoggingMiddleware;
import dev.eventline.core.command.MetricsMiddleware;
import dev.eventline.core.metrics.MicrometerBusMetrics;
import dev.eventline.core.query.QueryBus;
import dev.eventline.core.query.QueryOptions;
import dev.eventline.core.query.ReadModelBehindException;
import dev.eventline.core.query.ReadModelProgress;
import dev.eventline.examples.bank.app.BankQuery.GetAccountBalance;
import dev.eventline.examples.bank.app.BankQuery.GetCustomerOrders;
import dev.eventline.examples.bank.app.BankQuery.GetDailyOrderStats;
import dev.eventline.examples.bank.app.BankQuery.GetLowStockAlerts;
import dev.eventline.examples.bank.app.BankQuery.GetOrderSummary;
import dev.eventline.examples.bank.app.BankQuery.GetProductOrders;
import dev.eventline.examples.bank.app.BankQuery.GetStockLevel;
import dev.eventline.examples.bank.app.BankQuery.GetStockMovements;
import dev.eventline.examples.bank.app.BankQuery.GetTransactionHistory;
import dev.eventline.examples.bank.app.BankQuery.GetUserActivity;
import dev.eventline.examples.bank.http.ApiException;
import dev.eventline.examples.bank.http.QueryFilters;
import dev.eventline.examples.bank.readmodel.AccountBalanceModel;
import dev.eventline.examples.bank.readmodel.InventoryModel;
import dev.eventline.examples.bank.readmodel.OrderSummaryModel;
import dev.eventline.examples.bank.readmodel.ReadModels;
import dev.eventline.examples.bank.readmodel.Tables;
import dev.eventline.examples.bank.readmodel.UserActivityModel;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.sql.DataSource;

/**
 * The read side of the bank: each API query type, the read model that answers it, and read-your-writes through
 * {@code consistent_with}, on Eventline's {@link QueryBus} (with its cache, invalidated as soon as the read model
 * moves on).
 * <p>
 * A {@code consistent_with} position appended by this process is known exactly (see {@link RecentPositions});
 * for any other position the query waits until the read model has caught up with the head of the log as it was
 * when the query arrived (and, if the position lies beyond that head, until the head has reached it), which
 * includes the position whenever it is settled.
 * <p>
 * Thread-safety: safe for concurrent use.
 */
public final class BankQueries implements AutoCloseable {

    private record QueryType(String projection, Function<QueryFilters, BankQuery> parser) {
    }

    @FunctionalInterface
    private interface Read<Q, R> {
        R read(Connection c, Tables t, Q query) throws SQLException;
    }

    private static final Map<String, QueryType> TYPES = types();

    private final EventStore store;
    private final DataSource dataSource;
    private final ReadModels projections;
    private final RecentPositions positions;
    private final BankMetrics metrics;
    private final QueryBus bus;
    /** Whether every query waits for the head of the log as it was on arrival (branches), not only on request. */
    private final boolean readYourWrites;

    /**
     * @param store the event store (for the head of the log)
     * @param dataSource the read models' database
     * @param projections the read models
     * @param progress each read model's checkpoint, for the cache and for {@code consistent_with}
     * @param positions recent global positions
     * @param metrics the meters
     * @param registry where the query bus's metrics go
     */
    public BankQueries(EventStore store, DataSource dataSource, ReadModels projections, ReadModelProgress progress,
                       RecentPositions positions, BankMetrics metrics, MeterRegistry registry) {
        this(store, dataSource, projections, progress, positions, metrics, registry, false);
    }

    /**
     * The read side of a branch: every query, with or without {@code consistent_with}, first waits (up to its
     * timeout) until the read model has reached the branch's head as it was when the query arrived, so a query
     * always sees the commands that were answered before it. A branch's head is exact (its appends are
     * serialized), and its read models are private to this process, so the wait is short once they are built.
     *
     * @param store the branch (for the head of its log)
     * @param dataSource the branch's read-model database
     * @param projections the branch's read models
     * @param positions the positions the branch's commands appended
     * @param metrics the meters
     * @param registry where the query bus's metrics go
     * @return the query side of the branch
     */
    public static BankQueries readingYourWrites(EventStore store, DataSource dataSource, ReadModels projections,
                                                RecentPositions positions, BankMetrics metrics,
                                                MeterRegistry registry) {
        return new BankQueries(store, dataSource, projections, projections, positions, metrics, registry, true);
    }

    private BankQueries(EventStore store, DataSource dataSource, ReadModels projections, ReadModelProgress progress,
                        RecentPositions positions, BankMetrics metrics, MeterRegistry registry,
                        boolean readYourWrites) {
        this.readYourWrites = readYourWrites;
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.projections = Objects.requireNonNull(projections, "projections");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.bus = QueryBus.builder()
            .handle(GetAccountBalance.class, AccountBalanceModel.NAME, handler((c, t, q) ->
                found(AccountBalanceModel.balance(c, t, q.accountId()), "account", q.accountId())))
            .handle(GetTransactionHistory.class, AccountBalanceModel.NAME, handler((c, t, q) -> {
                found(AccountBalanceModel.balance(c, t, q.accountId()), "account", q.accountId());
                return AccountBalanceModel.history(c, t, q.accountId());
            }))
            .handle(GetOrderSummary.class, OrderSummaryModel.NAME, handler((c, t, q) ->
                found(OrderSummaryModel.order(c, t, q.orderId()), "order", q.orderId())))
            .handle(GetCustomerOrders.class, OrderSummaryModel.NAME, handler((c, t, q) ->
                OrderSummaryModel.byCustomer(c, t, q.customerId())))
            .handle(GetProductOrders.class, OrderSummaryModel.NAME, handler((c, t, q) ->
                OrderSummaryModel.byProduct(c, t, q.productId())))
            .handle(GetDailyOrderStats.class, OrderSummaryModel.NAME, handler((c, t, q) ->
                OrderSummaryModel.daily(c, t, q.date())))
            .handle(GetStockLevel.class, InventoryModel.NAME, handler((c, t, q) ->
                found(InventoryModel.level(c, t, q.productId()), "product", q.productId())))
            .handle(GetLowStockAlerts.class, InventoryModel.NAME, handler((c, t, q) -> InventoryModel.lowStock(c, t)))
            .handle(GetStockMovements.class, InventoryModel.NAME, handler((c, t, q) -> {
                found(InventoryModel.level(c, t, q.productId()), "product", q.productId());
                return InventoryModel.movements(c, t, q.productId());
            }))
            .handle(GetUserActivity.class, UserActivityModel.NAME, handler((c, t, q) ->
                found(UserActivityModel.activity(c, t, q.userId()), "user", q.userId())))
            .middleware(new LoggingMiddleware(), new MetricsMiddleware(MicrometerBusMetrics.of(registry)))
            .readModelProgress(progress)
            .metrics(MicrometerBusMetrics.of(registry))
            .build();
    }

    private static Map<String, QueryType> types() {
        var types = new LinkedHashMap<String, QueryType>();
        types.put("GetAccountBalance", new QueryType(AccountBalanceModel.NAME,
            f -> new GetAccountBalance(f.id("account_id"))));
        types.put("GetTransactionHistory", new QueryType(AccountBalanceModel.NAME,
            f -> new GetTransactionHistory(f.id("account_id"))));
        types.put("GetOrderSummary", new QueryType(OrderSummaryModel.NAME, f -> new GetOrderSummary(f.id("order_id"))));
        types.put("GetCustomerOrders", new QueryType(OrderSummaryModel.NAME,
            f -> new GetCustomerOrders(f.id("customer_id"))));
        types.put("GetProductOrders", new QueryType(OrderSummaryModel.NAME,
            f -> new GetProductOrders(f.id("product_id"))));
        types.put("GetDailyOrderStats", new QueryType(OrderSummaryModel.NAME,
            f -> new GetDailyOrderStats(f.date("date"))));
        types.put("GetStockLevel", new QueryType(InventoryModel.NAME, f -> new GetStockLevel(f.id("product_id"))));
        types.put("GetLowStockAlerts", new QueryType(InventoryModel.NAME, f -> new GetLowStockAlerts()));
        types.put("GetStockMovements", new QueryType(InventoryModel.NAME,
            f -> new GetStockMovements(f.id("product_id"))));
        types.put("GetUserActivity", new QueryType(UserActivityModel.NAME, f -> new GetUserActivity(f.id("user_id"))));
        return Collections.unmodifiableMap(types);
    }

    private <Q, R> dev.eventline.core.query.QueryHandler<Q, R> handler(Read<Q, R> read) {
        return (query, context) -> {
            try (Connection c = dataSource.getConnection()) {
                return read.read(c, Tables.live(), query);
            } catch (SQLException e) {
                throw new StorageException("Reading a read model failed (SQLState: " + e.getSQLState()
                    + "). Check the database.", e.getSQLState(), true, e);
            }
        };
    }

    private static <T> T found(Optional<T> value, String kind, String id) {
        return value.orElseThrow(() -> ApiException.notFound(kind + "_not_found", "The " + kind + " '" + id
            + "' is not in the read model. Check the id; right after a command, pass its global_position as "
            + "consistent_with."));
    }

    /**
     * Answers a query.
     *
     * @param queryType the query type
     * @param filters its filters
     * @param projection the projection the caller expects to answer it, or null
     * @param consistentWith a global position the read model must have reached first, or null
     * @param timeout how long to wait for {@code consistentWith}
     * @return the result, serialized as the answer's {@code result}
     * @throws InterruptedException when interrupted while waiting
     */
    public Object run(String queryType, QueryFilters filters, String projection, Long consistentWith,
                      Duration timeout) throws InterruptedException {
        long started = System.nanoTime();
        String outcome = "error";
        QueryType type = TYPES.get(queryType);
        if (type == null) {
            throw new ApiException(400, "unknown_query_type", "Unknown query_type '" + queryType
                + "'. Known types: " + String.join(", ", TYPES.keySet()) + ".");
        }
        try {
            if (projection != null) {
                if (!projections.has(projection)) {
                    throw ApiException.notFound("projection_not_found", "No projection named '" + projection
                        + "'. Known projections: " + String.join(", ", projections.names()) + ".");
                }
                if (!projection.equals(type.projection())) {
                    throw ApiException.badRequest("projection '" + projection + "' does not answer " + queryType
                        + "; it is answered by '" + type.projection() + "'");
                }
            }
            BankQuery query = type.parser().apply(filters);
            QueryOptions options = QueryOptions.defaults();
            if (consistentWith != null) {
                long deadline = System.nanoTime() + timeout.toNanos();
                LogPosition target = target(type.projection(), consistentWith, deadline);
                options = QueryOptions.consistentWith(target, Duration.ofNanos(Math.max(0,
                    deadline - System.nanoTime())));
            } else if (readYourWrites) {
                options = QueryOptions.consistentWith(store.headPosition(), timeout);
            }
            Object result;
            try {
                result = bus.ask(query, options);
            } catch (ReadModelBehindException e) {
                throw consistentWith != null ? behind(type.projection(), consistentWith)
                    : new ApiException(503, "read_model_behind", "The read model '" + type.projection()
                        + "' has not caught up with the head of this timeline yet (it is built on the first query "
                        + "after a start). Retry shortly, or with a longer timeout_ms.");
            }
            outcome = "ok";
            return result;
        } catch (ApiException e) {
            outcome = e.code();
            throw e;
        } finally {
            metrics.query(queryType, outcome, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private LogPosition target(String projection, long globalPosition, long deadline) throws InterruptedException {
        LogPosition known = positions.find(globalPosition);
        if (known != null) {
            return known;
        }
        LogPosition head = store.headPosition();
        while (head.position() < globalPosition) {
            if (System.nanoTime() >= deadline) {
                throw behind(projection, globalPosition);
            }
            Thread.sleep(20);
            head = store.headPosition();
        }
        return head;
    }

    private ApiException behind(String projection, long globalPosition) {
        return new ApiException(503, "read_model_behind", "The read model '" + projection + "' has not reached "
            + "global position " + globalPosition + " yet. Retry shortly, or with a longer timeout_ms.");
    }

    @Override
    public void close() {
        bus.close();
    }
}
