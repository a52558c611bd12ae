package dev.eventline.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The brief's usage examples and every read model, driven over HTTP against the bank on H2. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BankApiFlowTest {

    @TempDir
    static Path dataDir;

    private RunningBank bank;
    private TestClient http;

    @BeforeAll
    void start() throws Exception {
        bank = RunningBank.onH2(dataDir);
        http = bank.http();
    }

    @AfterAll
    void stop() {
        bank.close();
    }

    @Test
    void the_briefs_curl_examples_work_as_written() {
        // given the brief's create and deposit commands, verbatim
        Response created = http.post("/api/v1/commands", """
            {
                "command_type": "CreateAccount",
                "aggregate_id": "acc-123",
                "data": {
                  "account_id": "acc-123",
                  "owner": "John Doe",
                  "initial_balance": 1000
                }
              }""");
        Response deposited = http.post("/api/v1/commands", """
            {
                "command_type": "DepositMoney",
                "aggregate_id": "acc-123",
                "data": {
                  "account_id": "acc-123",
                  "amount": 500
                }
              }""");
        // then
        assertThat(created.status()).isEqualTo(200);
        assertThat(created.json().path("status").asText()).isEqualTo("accepted");
        assertThat(created.json().path("events").get(0).path("event_type").asText()).isEqualTo("AccountCreated");
        assertThat(deposited.status()).isEqualTo(200);
        assertThat(deposited.json().path("version").asLong()).isEqualTo(2);
        long position = deposited.json().path("events").get(0).path("global_position").asLong();

        // when the brief's balance query runs (waiting for the deposit to reach the read model)
        Response balance = http.post("/api/v1/queries", """
            {
                "query_type": "GetAccountBalance",
                "filters": {
                  "account_id": "acc-123"
                },
                "projection": "account_balance",
                "consistent_with": %d
              }""".formatted(position));
        // then
        assertThat(balance.status()).isEqualTo(200);
        JsonNode result = balance.json().path("result");
        assertThat(result.path("balance").decimalValue()).isEqualByComparingTo("1500");
        assertThat(result.path("owner").asText()).isEqualTo("John Doe");
        assertThat(result.path("status").asText()).isEqualTo("OPEN");
        assertThat(result.path("transaction_count").asLong()).isEqualTo(2);

        // when the brief's events, replay and temporal calls run
        Response events = http.get("/api/v1/events/acc-123");
        Response replay = http.post("/api/v1/replay", """
            {
                "aggregate_id": "acc-123",
                "from_sequence": 0,
                "use_snapshot": true
              }""");
        Response temporal = http.post("/api/v1/temporal-query", """
            {
                "aggregate_id": "acc-123",
                "from_time": "2024-01-01T00:00:00Z",
                "to_time": "2024-01-31T23:59:59Z"
              }""");
        // then
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.json().path("events")).hasSize(2);
        JsonNode first = events.json().path("events").get(0);
        assertThat(first.path("event_type").asText()).isEqualTo("AccountCreated");
        assertThat(first.path("version").asLong()).isEqualTo(1);
        assertThat(first.path("data").path("opening_balance").decimalValue()).isEqualByComparingTo("1000");
        assertThat(first.path("checksum").asText()).hasSize(64);
        assertThat(first.has("event_id") && first.has("global_position") && first.has("timestamp")
            && first.has("schema_version") && first.has("metadata")).isTrue();
        assertThat(replay.status()).isEqualTo(200);
        assertThat(replay.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("1500");
        assertThat(replay.json().path("version").asLong()).isEqualTo(2);
        assertThat(replay.json().path("events_replayed").asLong()).isEqualTo(2);
        assertThat(temporal.status()).isEqualTo(200);
        assertThat(temporal.json().path("events")).isEmpty();
    }

    @Test
    void temporal_queries_return_the_events_of_a_range_and_the_state_as_of_an_instant() throws Exception {
        // given
        http.command("CreateAccount", "acc-time", "{\"owner\":\"Tim\",\"initial_balance\":10}");
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        http.command("DepositMoney", "acc-time", "{\"amount\":5}");
        // when
        Response range = http.post("/api/v1/temporal-query", "{\"aggregate_id\":\"acc-time\",\"from_time\":\""
            + between.minusSeconds(3600) + "\",\"to_time\":\"" + Instant.now().plusSeconds(60) + "\"}");
        Response asOf = http.post("/api/v1/temporal-query", "{\"aggregate_id\":\"acc-time\",\"as_of\":\"" + between
            + "\"}");
        Response afterOnly = http.post("/api/v1/temporal-query", "{\"aggregate_id\":\"acc-time\",\"from_time\":\""
            + between + "\",\"to_time\":\"" + Instant.now().plusSeconds(60) + "\"}");
        // then
        assertThat(range.json().path("events")).hasSize(2);
        assertThat(afterOnly.json().path("events")).hasSize(1);
        assertThat(afterOnly.json().path("events").get(0).path("event_type").asText()).isEqualTo("MoneyDeposited");
        assertThat(asOf.status()).isEqualTo(200);
        assertThat(asOf.json().path("version").asLong()).isEqualTo(1);
        assertThat(asOf.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("10");
    }

    @Test
    void replay_uses_snapshots_when_asked_and_stops_at_to_version() {
        // given 12 events with a snapshot every 5
        http.command("CreateAccount", "acc-snap", "{\"owner\":\"Sam\",\"initial_balance\":0}");
        for (int i = 0; i < 11; i++) {
            http.command("DepositMoney", "acc-snap", "{\"amount\":1.5}");
        }
        // when
        Response withSnapshot = http.post("/api/v1/replay",
            "{\"aggregate_id\":\"acc-snap\",\"from_sequence\":0,\"use_snapshot\":true}");
        Response withoutSnapshot = http.post("/api/v1/replay",
            "{\"aggregate_id\":\"acc-snap\",\"from_sequence\":0,\"use_snapshot\":false}");
        Response toVersion = http.post("/api/v1/replay",
            "{\"aggregate_id\":\"acc-snap\",\"from_sequence\":0,\"use_snapshot\":false,\"to_version\":3}");
        // then
        assertThat(withSnapshot.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("16.5");
        assertThat(withSnapshot.json().path("snapshot_version").asLong()).isEqualTo(10);
        assertThat(withSnapshot.json().path("events_replayed").asLong()).isEqualTo(2);
        assertThat(withoutSnapshot.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("16.5");
        assertThat(withoutSnapshot.json().path("events_replayed").asLong()).isEqualTo(12);
        assertThat(withoutSnapshot.json().path("snapshot_version").isNull()).isTrue();
        assertThat(toVersion.json().path("version").asLong()).isEqualTo(3);
        assertThat(toVersion.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("3");
    }

    @Test
    void transaction_history_lists_every_money_movement_with_the_balance_after() {
        // given
        http.command("CreateAccount", "acc-hist", "{\"owner\":\"Hal\",\"initial_balance\":100}");
        http.command("WithdrawMoney", "acc-hist", "{\"amount\":30.25}");
        Response last = http.command("DepositMoney", "acc-hist", "{\"amount\":0.25,\"related_account\":\"acc-x\"}");
        // when
        Response history = http.query("GetTransactionHistory", "{\"account_id\":\"acc-hist\"}", position(last));
        // then
        JsonNode lines = history.json().path("result");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).path("type").asText()).isEqualTo("opening");
        assertThat(lines.get(1).path("type").asText()).isEqualTo("withdrawal");
        assertThat(lines.get(1).path("balance_after").decimalValue()).isEqualByComparingTo("69.75");
        assertThat(lines.get(2).path("related_account").asText()).isEqualTo("acc-x");
        assertThat(lines.get(2).path("balance_after").decimalValue()).isEqualByComparingTo("70.00");
    }

    @Test
    void orders_are_summarised_per_order_customer_product_and_day() {
        // given
        http.command("PlaceOrder", "ord-1", "{\"customer_id\":\"cust-1\",\"items\":[{\"product_id\":\"prod-1\","
            + "\"quantity\":2,\"unit_price\":9.99},{\"product_id\":\"prod-2\",\"quantity\":1,\"unit_price\":5}]}");
        http.command("PlaceOrder", "ord-2", "{\"customer_id\":\"cust-1\",\"items\":[{\"product_id\":\"prod-1\","
            + "\"quantity\":1,\"unit_price\":9.99}]}");
        http.command("ShipOrder", "ord-1", "{}");
        Response last = http.command("CancelOrder", "ord-2", "{\"reason\":\"changed mind\"}");
        // when
        Response summary = http.query("GetOrderSummary", "{\"order_id\":\"ord-1\"}", position(last));
        Response customer = http.query("GetCustomerOrders", "{\"customer_id\":\"cust-1\"}", position(last));
        Response product = http.query("GetProductOrders", "{\"product_id\":\"prod-2\"}", position(last));
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        Response daily = http.query("GetDailyOrderStats", "{\"date\":\"" + today + "\"}", position(last));
        // then
        JsonNode order = summary.json().path("result");
        assertThat(order.path("status").asText()).isEqualTo("SHIPPED");
        assertThat(order.path("total").decimalValue()).isEqualByComparingTo("24.98");
        assertThat(order.path("items")).hasSize(2);
        assertThat(order.path("items").get(0).path("unit_price").decimalValue()).isEqualByComparingTo("9.99");
        assertThat(order.has("placed_at")).isTrue();
        assertThat(customer.json().path("result")).hasSize(2);
        assertThat(customer.json().path("result").get(1).path("status").asText()).isEqualTo("CANCELLED");
        assertThat(product.json().path("result")).hasSize(1);
        assertThat(daily.json().path("result").path("orders").asLong()).isGreaterThanOrEqualTo(2);
        assertThat(daily.json().path("result").path("cancelled").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void inventory_tracks_on_hand_reserved_available_movements_and_low_stock() {
        // given
        http.command("AddStock", "sku-1", "{\"quantity\":10,\"low_stock_threshold\":5}");
        http.command("ReserveStock", "sku-1", "{\"quantity\":6,\"order_id\":\"ord-9\"}");
        Response last = http.command("ReleaseStock", "sku-1", "{\"quantity\":1,\"order_id\":\"ord-9\"}");
        // when
        Response level = http.query("GetStockLevel", "{\"product_id\":\"sku-1\"}", position(last));
        Response alerts = http.query("GetLowStockAlerts", "{}", position(last));
        Response movements = http.query("GetStockMovements", "{\"product_id\":\"sku-1\"}", position(last));
        // then
        JsonNode stock = level.json().path("result");
        assertThat(stock.path("on_hand").asLong()).isEqualTo(10);
        assertThat(stock.path("reserved").asLong()).isEqualTo(5);
        assertThat(stock.path("available").asLong()).isEqualTo(5);
        assertThat(stock.path("low_stock_threshold").asLong()).isEqualTo(5);
        assertThat(alerts.json().path("result").findValuesAsText("product_id")).contains("sku-1");
        assertThat(movements.json().path("result").findValuesAsText("type"))
            .containsExactly("added", "reserved", "released");
    }

    @Test
    void user_activity_shows_registration_sessions_actions_and_timeline() {
        // given
        http.command("RegisterUser", "user-1", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");
        http.command("LoginUser", "user-1", "{}");
        http.command("RecordUserAction", "user-1", "{\"action\":\"viewed_statement\"}");
        Response last = http.command("LogoutUser", "user-1", "{}");
        // when
        Response activity = http.query("GetUserActivity", "{\"user_id\":\"user-1\"}", position(last));
        // then
        JsonNode user = activity.json().path("result");
        assertThat(user.path("name").asText()).isEqualTo("Ada");
        assertThat(user.has("registered_at")).isTrue();
        assertThat(user.path("sessions")).hasSize(1);
        assertThat(user.path("sessions").get(0).has("ended_at")).isTrue();
        assertThat(user.path("actions").get(0).path("action").asText()).isEqualTo("viewed_statement");
        assertThat(user.path("timeline").findValuesAsText("type"))
            .containsExactly("registered", "logged_in", "action", "logged_out");
    }

    @Test
    void a_rebuild_keeps_queries_answering_and_ends_with_the_same_read_model() throws Exception {
        // given
        Response last = null;
        http.command("CreateAccount", "acc-rebuild", "{\"owner\":\"Rob\",\"initial_balance\":1}");
        for (int i = 0; i < 20; i++) {
            last = http.command("DepositMoney", "acc-rebuild", "{\"amount\":1}");
        }
        long position = position(last);
        assertThat(http.query("GetAccountBalance", "{\"account_id\":\"acc-rebuild\"}", position).status())
            .isEqualTo(200);
        // when
        Response rebuild = http.post("/api/v1/projections/account_balance/rebuild", "");
        // then queries keep answering with the full balance while it runs, and afterwards
        assertThat(rebuild.status()).isEqualTo(202);
        assertThat(rebuild.json().path("projection").asText()).isEqualTo("account_balance");
        long deadline = System.nanoTime() + 20_000_000_000L;
        String status;
        do {
            Response during = http.query("GetAccountBalance", "{\"account_id\":\"acc-rebuild\"}", position);
            assertThat(during.status()).isEqualTo(200);
            assertThat(during.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("21");
            status = http.get("/api/v1/projections/account_balance").json().path("status").asText();
            Thread.sleep(20);
        } while (!status.equals("live") && System.nanoTime() < deadline);
        assertThat(status).isEqualTo("live");
        Response after = http.query("GetTransactionHistory", "{\"account_id\":\"acc-rebuild\"}", position);
        assertThat(after.json().path("result")).hasSize(21);
    }

    @Test
    void projections_health_integrity_and_metrics_answer() {
        // given
        Response created = http.command("CreateAccount", "acc-ops", "{\"owner\":\"Op\",\"initial_balance\":1}");
        http.query("GetAccountBalance", "{\"account_id\":\"acc-ops\"}", position(created));
        // when
        Response projections = http.get("/api/v1/projections");
        Response health = http.get("/health");
        Response integrity = http.get("/api/v1/integrity/acc-ops");
        Response metrics = http.get("/metrics");
        // then
        assertThat(projections.json().findValuesAsText("name"))
            .containsExactly("account_balance", "order_summary", "inventory", "user_activity");
        assertThat(projections.json().get(0).has("lag") && projections.json().get(0).has("position")).isTrue();
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("status").asText()).isEqualTo("UP");
        assertThat(health.json().path("checks").path("database").asText()).isEqualTo("UP");
        assertThat(integrity.json().path("valid").asBoolean()).isTrue();
        assertThat(integrity.json().path("events_checked").asLong()).isEqualTo(1);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("eventline_events_appended_total", "eventline_command_latency",
            "eventline_query_latency", "eventline_projection_lag");
    }

    @Test
    void raw_events_can_be_appended_and_read_back() {
        // given
        http.command("CreateAccount", "acc-raw", "{\"owner\":\"Raw\",\"initial_balance\":1}");
        // when
        Response appended = http.post("/api/v1/events", "{\"aggregate_id\":\"acc-raw\",\"event_type\":"
            + "\"MoneyDeposited\",\"data\":{\"account_id\":\"acc-raw\",\"amount\":2,\"balance_after\":3},"
            + "\"expected_version\":1}");
        Response read = http.get("/api/v1/events/acc-raw?from_version=2");
        // then
        assertThat(appended.status()).isEqualTo(201);
        assertThat(appended.json().path("version").asLong()).isEqualTo(2);
        assertThat(read.json().path("events")).hasSize(1);
        assertThat(read.json().path("events").get(0).path("data").path("balance_after").decimalValue())
            .isEqualByComparingTo(new BigDecimal("3"));
        Response balance = http.query("GetAccountBalance", "{\"account_id\":\"acc-raw\"}",
            appended.json().path("global_position").asLong());
        assertThat(balance.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("3");
    }

    static long position(Response commandResponse) {
        JsonNode events = commandResponse.json().path("events");
        return events.get(events.size() - 1).path("global_position").asLong();
    }
}
