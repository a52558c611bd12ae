package dev.eventline.examples.bank.app;

import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.examples.bank.http.ApiException;
import dev.eventline.examples.bank.http.QueryFilters;
import dev.eventline.examples.bank.readmodel.AccountBalanceModel;
import dev.eventline.examples.bank.readmodel.InventoryModel;
import dev.eventline.examples.bank.readmodel.OrderSummaryModel;
import dev.eventline.examples.bank.readmodel.ProjectionEngine;
import dev.eventline.examples.bank.readmodel.Tables;
import dev.eventline.examples.bank.readmodel.UserActivityModel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The read side of the bank: each query type, the read model that answers it, and read-your-writes through
 * {@code consistent_with}.
 * <p>
 * A {@code consistent_with} position appended by this process is known exactly (see {@link RecentPositions});
 * for any other position the query waits until the read model has caught up with the head of the log as it was
 * when the query arrived (and, if the position lies beyond that head, until the head has reached it), which
 * includes the position whenever it is settled.
 * <p>
 * Thread-safety: safe for concurrent use.
 */
public final class BankQueries {

    private interface Answer {
        Object answer(Connection c, Tables t, Parsed filters) throws SQLException;
    }

    private interface Parser {
        Parsed parse(QueryFilters filters);
    }

    /** The parsed filters of one query: an id, a date, or nothing. */
    private record Parsed(String id, java.time.LocalDate date) {
    }

    private record QueryType(String projection, Parser parser, Answer answer) {
    }

    private static final Map<String, QueryType> TYPES = types();

    private final EventStore store;
    private final DataSource dataSource;
    private final ProjectionEngine projections;
    private final RecentPositions positions;
    private final BankMetrics metrics;

    /**
     * @param store the event store (for the head of the log)
     * @param dataSource the read models' database
     * @param projections the read models' runner
     * @param positions recent global positions
     * @param metrics the meters
     */
    public BankQueries(EventStore store, DataSource dataSource, ProjectionEngine projections,
                       RecentPositions positions, BankMetrics metrics) {
        this.store = Objects.requireNonNull(store, "store");
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.projections = Objects.requireNonNull(projections, "projections");
        this.positions = Objects.requireNonNull(positions, "positions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    private static Map<String, QueryType> types() {
        var types = new LinkedHashMap<String, QueryType>();
        Parser account = f -> new Parsed(f.id("account_id"), null);
        Parser order = f -> new Parsed(f.id("order_id"), null);
        Parser customer = f -> new Parsed(f.id("customer_id"), null);
        Parser product = f -> new Parsed(f.id("product_id"), null);
        Parser user = f -> new Parsed(f.id("user_id"), null);
        types.put("GetAccountBalance", new QueryType(AccountBalanceModel.NAME, account, (c, t, p) ->
            found(AccountBalanceModel.balance(c, t, p.id()), "account", p.id())));
        types.put("GetTransactionHistory", new QueryType(AccountBalanceModel.NAME, account, (c, t, p) -> {
            found(AccountBalanceModel.balance(c, t, p.id()), "account", p.id());
            return AccountBalanceModel.history(c, t, p.id());
        }));
        types.put("GetOrderSummary", new QueryType(OrderSummaryModel.NAME, order, (c, t, p) ->
            found(OrderSummaryModel.order(c, t, p.id()), "order", p.id())));
        types.put("GetCustomerOrders", new QueryType(OrderSummaryModel.NAME, customer, (c, t, p) ->
            OrderSummaryModel.byCustomer(c, t, p.id())));
        types.put("GetProductOrders", new QueryType(OrderSummaryModel.NAME, product, (c, t, p) ->
            OrderSummaryModel.byProduct(c, t, p.id())));
        types.put("GetDailyOrderStats", new QueryType(OrderSummaryModel.NAME, f -> new Parsed(null, f.date("date")),
            (c, t, p) -> OrderSummaryModel.daily(c, t, p.date())));
        types.put("GetStockLevel", new QueryType(InventoryModel.NAME, product, (c, t, p) ->
            found(InventoryModel.level(c, t, p.id()), "product", p.id())));
        types.put("GetLowStockAlerts", new QueryType(InventoryModel.NAME, f -> new Parsed(null, null), (c, t, p) ->
            InventoryModel.lowStock(c, t)));
        types.put("GetStockMovements", new QueryType(InventoryModel.NAME, product, (c, t, p) -> {
            found(InventoryModel.level(c, t, p.id()), "product", p.id());
            return InventoryModel.movements(c, t, p.id());
        }));
        types.put("GetUserActivity", new QueryType(UserActivityModel.NAME, user, (c, t, p) ->
            found(UserActivityModel.activity(c, t, p.id()), "user", p.id())));
        return Collections.unmodifiableMap(types);
    }

    private static Object found(Optional<?> value, String kind, String id) {
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
     * @throws SQLException when the read model's database fails
     * @throws InterruptedException when interrupted while waiting
     */
    public Object run(String queryType, QueryFilters filters, String projection, Long consistentWith,
                      Duration timeout) throws SQLException, InterruptedException {
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
            Parsed parsed = type.parser().parse(filters);
            if (consistentWith != null) {
                awaitConsistency(type.projection(), consistentWith, timeout);
            }
            Object result;
            try (Connection c = dataSource.getConnection()) {
                c.setReadOnly(false);
                result = type.answer().answer(c, projections.tables(type.projection()), parsed);
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

    private void awaitConsistency(String projection, long globalPosition, Duration timeout)
        throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        LogPosition target = positions.find(globalPosition);
        if (target == null) {
            LogPosition head = store.headPosition();
            while (head.position() < globalPosition) {
                if (System.nanoTime() >= deadline) {
                    throw behind(projection, globalPosition);
                }
                Thread.sleep(20);
                head = store.headPosition();
            }
            target = head;
        }
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (!projections.awaitPosition(projection, target, left)) {
            throw behind(projection, globalPosition);
        }
    }

    private ApiException behind(String projection, long globalPosition) {
        return new ApiException(503, "read_model_behind", "The read model '" + projection + "' has not reached "
            + "global position " + globalPosition + " yet (at: " + projections.status(projection).position()
            + "). Retry shortly.");
    }
}
