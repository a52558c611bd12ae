package dev.eventline.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrency and restarts on the H2 file database: nothing lost, nothing doubled. */
class BankDurabilityTest {

    @TempDir
    Path dataDir;

    @Test
    void fifty_concurrent_deposits_to_one_account_all_land_exactly_with_gap_free_versions() throws Exception {
        try (RunningBank bank = RunningBank.onH2(dataDir)) {
            // given
            TestClient http = bank.http();
            http.command("CreateAccount", "acc-hot", "{\"owner\":\"Hot\",\"initial_balance\":0}");
            ExecutorService pool = Executors.newFixedThreadPool(50);
            List<Response> responses = new ArrayList<>();
            try {
                var calls = new ArrayList<Callable<Response>>();
                for (int i = 1; i <= 50; i++) {
                    String amount = "0." + (i < 10 ? "0" + i : Integer.toString(i));
                    calls.add(() -> http.command("DepositMoney", "acc-hot", "{\"amount\":" + amount + "}"));
                }
                // when
                for (Future<Response> future : pool.invokeAll(calls)) {
                    responses.add(future.get());
                }
            } finally {
                pool.shutdownNow();
            }
            // then every deposit was accepted (none answered 409: the bus absorbs conflicts)
            assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
            JsonNode events = http.get("/api/v1/events/acc-hot").json().path("events");
            assertThat(events).hasSize(51);
            for (int i = 0; i < 51; i++) {
                assertThat(events.get(i).path("version").asLong()).isEqualTo(i + 1);
            }
            long last = responses.stream().mapToLong(r -> r.json().path("events").get(0).path("global_position")
                .asLong()).max().orElseThrow();
            // 0.01 + 0.02 + … + 0.50 = 12.75, exactly
            Response balance = http.query("GetAccountBalance", "{\"account_id\":\"acc-hot\"}", last);
            assertThat(balance.json().path("result").path("balance").decimalValue())
                .isEqualByComparingTo(new BigDecimal("12.75"));
            assertThat(balance.json().path("result").path("transaction_count").asLong()).isEqualTo(51);
            Response replay = http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-hot\",\"use_snapshot\":false}");
            assertThat(replay.json().path("state").path("balance").decimalValue())
                .isEqualByComparingTo(new BigDecimal("12.75"));
        }
    }

    @Test
    void a_restart_on_the_same_data_directory_loses_nothing() throws Exception {
        // given a bank with an account, an order, a user, an idempotent command and a rebuilt read model
        String firstAnswer;
        long position;
        try (RunningBank bank = RunningBank.onH2(dataDir)) {
            TestClient http = bank.http();
            http.command("CreateAccount", "acc-keep", "{\"owner\":\"Kim\",\"initial_balance\":10}");
            firstAnswer = http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
                + "\"acc-keep\",\"command_id\":\"keep-1\",\"data\":{\"amount\":2.5}}").body();
            http.command("PlaceOrder", "ord-keep", "{\"customer_id\":\"c\",\"items\":[{\"product_id\":\"p\","
                + "\"quantity\":1,\"unit_price\":1}]}");
            Response last = http.command("RegisterUser", "user-keep", "{\"name\":\"K\",\"email\":\"k@example.com\"}");
            position = BankApiFlowTest.position(last);
            assertThat(http.query("GetUserActivity", "{\"user_id\":\"user-keep\"}", position).status())
                .isEqualTo(200);
        }
        // when it restarts on the same directory
        try (RunningBank bank = RunningBank.onH2(dataDir)) {
            TestClient http = bank.http();
            // then events, read models and idempotency records are all there
            assertThat(http.get("/api/v1/events/acc-keep").json().path("events")).hasSize(2);
            Response balance = http.query("GetAccountBalance", "{\"account_id\":\"acc-keep\"}", position);
            assertThat(balance.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("12.5");
            assertThat(http.query("GetOrderSummary", "{\"order_id\":\"ord-keep\"}", position).status())
                .isEqualTo(200);
            Response retried = http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
                + "\"acc-keep\",\"command_id\":\"keep-1\",\"data\":{\"amount\":2.5}}");
            assertThat(retried.body()).isEqualTo(firstAnswer);
            assertThat(http.get("/api/v1/events/acc-keep").json().path("events")).hasSize(2);
            // and new work continues from where it stopped
            Response next = http.command("DepositMoney", "acc-keep", "{\"amount\":1}");
            assertThat(next.json().path("version").asLong()).isEqualTo(3);
            assertThat(next.json().path("events").get(0).path("global_position").asLong()).isGreaterThan(position);
        }
    }

    @Test
    void when_the_database_is_unreachable_health_and_commands_answer_503() throws Exception {
        try (RunningBank bank = RunningBank.onH2(dataDir)) {
            // given
            TestClient http = bank.http();
            assertThat(http.get("/health").status()).isEqualTo(200);
            // when the connection pool goes away (as when the database is down)
            ((AutoCloseable) bank.app().components().dataSource()).close();
            // then
            Response health = http.get("/health");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.json().path("status").asText()).isEqualTo("DOWN");
            assertThat(health.json().path("checks").path("database").asText()).isEqualTo("DOWN");
            Response command = http.command("CreateAccount", "acc-down", "{\"owner\":\"D\",\"initial_balance\":1}");
            assertThat(command.status()).isEqualTo(503);
            assertThat(command.json().path("error").path("code").asText()).isEqualTo("database_unavailable");
            assertThat(command.body()).doesNotContain("Exception", "SQL");
            Response query = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
                + "{\"account_id\":\"acc-down\"}}");
            assertThat(query.status()).isEqualTo(503);
        }
    }
}
