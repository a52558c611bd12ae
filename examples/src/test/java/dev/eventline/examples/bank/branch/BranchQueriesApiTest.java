package dev.eventline.examples.bank.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.RunningBank;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries and read models on a branch over HTTP: each branch answers from its own read models (the projections
 * run over the branch's timeline), which never touch main's; branches of branches name their parent. After a
 * restart: {@link BankBranchesApiTest#branches_and_their_events_survive_a_restart}.
 */
class BranchQueriesApiTest {

    @TempDir
    static Path dataDir;

    private static RunningBank bank;
    private static TestClient http;

    @BeforeAll
    static void start() throws Exception {
        bank = RunningBank.onH2(dataDir);
        http = bank.http();
    }

    @AfterAll
    static void stop() {
        bank.close();
    }

    @Test
    void commands_on_a_branch_change_its_query_answers_and_not_mains_and_the_reverse() {
        // given an account, an order, stock and a user on main, and a branch at the head
        command(null, "CreateAccount", "q-acc", "{\"owner\":\"Quinn\",\"initial_balance\":100}");
        command(null, "PlaceOrder", "q-ord", "{\"customer_id\":\"q-cust\",\"items\":[{\"product_id\":\"q-sku\","
            + "\"quantity\":1,\"unit_price\":10}]}");
        command(null, "AddStock", "q-sku", "{\"quantity\":10,\"low_stock_threshold\":2}");
        long mainHead = position(command(null, "RegisterUser", "q-user", "{\"name\":\"Q\",\"email\":\"q@x.io\"}"));
        assertThat(http.post("/api/v1/branches", "{\"name\":\"q-what-if\"}").status()).isEqualTo(201);

        // when each timeline gets different commands
        command("q-what-if", "WithdrawMoney", "q-acc", "{\"amount\":30}");
        command("q-what-if", "CancelOrder", "q-ord", "{\"reason\":\"what if\"}");
        command("q-what-if", "ReserveStock", "q-sku", "{\"quantity\":9,\"order_id\":\"q-ord\"}");
        command("q-what-if", "LoginUser", "q-user", "{}");
        long mainLast = position(command(null, "DepositMoney", "q-acc", "{\"amount\":5}"));

        // then the branch's queries show the branch's commands only (without consistent_with: read-your-writes)
        JsonNode branchBalance = query("q-what-if", "GetAccountBalance", "{\"account_id\":\"q-acc\"}");
        assertThat(branchBalance.path("balance").decimalValue()).isEqualByComparingTo("70");
        assertThat(query("q-what-if", "GetTransactionHistory", "{\"account_id\":\"q-acc\"}")
            .findValuesAsText("type")).containsExactly("opening", "withdrawal");
        assertThat(query("q-what-if", "GetOrderSummary", "{\"order_id\":\"q-ord\"}").path("status").asText())
            .isEqualTo("CANCELLED");
        assertThat(query("q-what-if", "GetCustomerOrders", "{\"customer_id\":\"q-cust\"}")).hasSize(1);
        assertThat(query("q-what-if", "GetProductOrders", "{\"product_id\":\"q-sku\"}")).hasSize(1);
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertThat(query("q-what-if", "GetDailyOrderStats", "{\"date\":\"" + today + "\"}").path("cancelled")
            .asLong()).isGreaterThanOrEqualTo(1);
        assertThat(query("q-what-if", "GetStockLevel", "{\"product_id\":\"q-sku\"}").path("available").asLong())
            .isEqualTo(1);
        assertThat(query("q-what-if", "GetLowStockAlerts", "{}").findValuesAsText("product_id")).contains("q-sku");
        assertThat(query("q-what-if", "GetStockMovements", "{\"product_id\":\"q-sku\"}").findValuesAsText("type"))
            .containsExactly("added", "reserved");
        assertThat(query("q-what-if", "GetUserActivity", "{\"user_id\":\"q-user\"}").path("sessions")).hasSize(1);

        // and main's queries show main's commands only
        assertThat(mainHead).isLessThan(mainLast);
        assertThat(mainQuery("GetAccountBalance", "{\"account_id\":\"q-acc\"}", mainLast).path("balance")
            .decimalValue()).isEqualByComparingTo("105");
        assertThat(mainQuery("GetOrderSummary", "{\"order_id\":\"q-ord\"}", mainLast).path("status").asText())
            .isEqualTo("PLACED");
        assertThat(mainQuery("GetStockLevel", "{\"product_id\":\"q-sku\"}", mainLast).path("available").asLong())
            .isEqualTo(10);
        assertThat(mainQuery("GetLowStockAlerts", "{}", mainLast).findValuesAsText("product_id"))
            .doesNotContain("q-sku");
        assertThat(mainQuery("GetUserActivity", "{\"user_id\":\"q-user\"}", mainLast).path("sessions")).isEmpty();
    }

    @Test
    void a_branch_query_with_consistent_with_and_a_projection_answers_like_on_main() {
        // given
        command(null, "CreateAccount", "q-cw", "{\"owner\":\"Cy\",\"initial_balance\":1}");
        assertThat(http.post("/api/v1/branches", "{\"name\":\"q-cw\"}").status()).isEqualTo(201);
        long position = position(command("q-cw", "DepositMoney", "q-cw", "{\"amount\":2}"));

        // when
        Response answer = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"q-cw\"},\"projection\":\"account_balance\",\"consistent_with\":" + position
            + ",\"branch\":\"q-cw\"}");
        Response unknown = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"q-cw\"}}", "X-Branch", "q-nope");
        Response missing = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"q-none\"}}", "X-Branch", "q-cw");

        // then
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("3");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("branch_not_found");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("account_not_found");
    }

    @Test
    void deleting_a_branch_drops_its_read_models() {
        // given a branch whose read models were built by a query
        command(null, "CreateAccount", "q-del", "{\"owner\":\"Del\",\"initial_balance\":10}");
        assertThat(http.post("/api/v1/branches", "{\"name\":\"q-del\"}").status()).isEqualTo(201);
        command("q-del", "DepositMoney", "q-del", "{\"amount\":90}");
        assertThat(query("q-del", "GetAccountBalance", "{\"account_id\":\"q-del\"}").path("balance").decimalValue())
            .isEqualByComparingTo("100");
        assertThat(projectionThreads("q-del")).isPositive();

        // when the branch is deleted
        assertThat(http.delete("/api/v1/branches/q-del").status()).isEqualTo(200);

        // then its read models are gone: no runner, no answers, and a new branch of that name starts afresh
        await().atMost(Duration.ofSeconds(10)).until(() -> projectionThreads("q-del") == 0);
        Response gone = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"q-del\"}}", "X-Branch", "q-del");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.errorCode()).isEqualTo("branch_not_found");
        assertThat(http.post("/api/v1/branches", "{\"name\":\"q-del\"}").status()).isEqualTo(201);
        assertThat(query("q-del", "GetAccountBalance", "{\"account_id\":\"q-del\"}").path("balance").decimalValue())
            .isEqualByComparingTo("10");
    }

    @Test
    void a_branch_of_a_branch_names_its_parent_and_sees_it_up_to_the_fork() {
        // given a branch with its own deposit
        command(null, "CreateAccount", "q-nest", "{\"owner\":\"Nes\",\"initial_balance\":1}");
        assertThat(http.post("/api/v1/branches", "{\"name\":\"q-outer\"}").status()).isEqualTo(201);
        long firstOwn = position(command("q-outer", "DepositMoney", "q-nest", "{\"amount\":10}"));
        command("q-outer", "DepositMoney", "q-nest", "{\"amount\":100}");

        // when branches are made of it, with the X-Branch header and with the body field
        Response atHead = http.post("/api/v1/branches", "{\"name\":\"q-inner\"}", "X-Branch", "q-outer");
        Response atFirst = http.post("/api/v1/branches", "{\"name\":\"q-inner-early\",\"branch\":\"q-outer\","
            + "\"from_position\":" + firstOwn + "}");
        command("q-inner", "WithdrawMoney", "q-nest", "{\"amount\":11}");

        // then each child sees its parent up to its fork, plus its own events; the parent never changes
        assertThat(atHead.status()).as(atHead.body()).isEqualTo(201);
        assertThat(atHead.json().path("parent").asText()).isEqualTo("q-outer");
        assertThat(atFirst.status()).as(atFirst.body()).isEqualTo(201);
        assertThat(atFirst.json().path("fork_position").asLong()).isEqualTo(firstOwn);
        assertThat(balance("q-inner", "q-nest")).isEqualByComparingTo("100");
        assertThat(balance("q-inner-early", "q-nest")).isEqualByComparingTo("11");
        assertThat(balance("q-outer", "q-nest")).isEqualByComparingTo("111");
        JsonNode listed = http.get("/api/v1/branches").json();
        assertThat(parentOf(listed, "q-inner")).isEqualTo("q-outer");
        assertThat(parentOf(listed, "q-inner-early")).isEqualTo("q-outer");
        assertThat(parentOf(listed, "q-outer")).isEqualTo("main");
        Response inUse = http.delete("/api/v1/branches/q-outer");
        assertThat(inUse.status()).isEqualTo(409);
        Response unknownParent = http.post("/api/v1/branches", "{\"name\":\"q-orphan\"}", "X-Branch", "q-nope");
        assertThat(unknownParent.status()).isEqualTo(404);
        Response notOnParent = http.post("/api/v1/branches", "{\"name\":\"q-bad\",\"from_position\":999999}",
            "X-Branch", "q-outer");
        assertThat(notOnParent.status()).isEqualTo(400);
    }

    private static Response command(String branch, String type, String aggregateId, String data) {
        String body = "{\"command_type\":\"" + type + "\",\"aggregate_id\":\"" + aggregateId + "\",\"data\":" + data
            + "}";
        Response response = branch == null ? http.post("/api/v1/commands", body)
            : http.post("/api/v1/commands", body, "X-Branch", branch);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response;
    }

    private static long position(Response command) {
        JsonNode events = command.json().path("events");
        return events.get(events.size() - 1).path("global_position").asLong();
    }

    private static JsonNode query(String branch, String type, String filters) {
        // a generous timeout: the first query on a branch waits for its read models to be built
        Response response = http.post("/api/v1/queries", "{\"query_type\":\"" + type + "\",\"filters\":" + filters
            + ",\"timeout_ms\":30000}", "X-Branch", branch);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("result");
    }

    private static JsonNode mainQuery(String type, String filters, long consistentWith) {
        Response response = http.query(type, filters, consistentWith);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("result");
    }

    private static BigDecimal balance(String branch, String account) {
        return query(branch, "GetAccountBalance", "{\"account_id\":\"" + account + "\"}").path("balance")
            .decimalValue();
    }

    private static String parentOf(JsonNode list, String name) {
        for (JsonNode branch : list) {
            if (branch.path("name").asText().equals(name)) {
                return branch.path("parent").asText();
            }
        }
        throw new AssertionError("no branch " + name + " in " + list);
    }

    private static long projectionThreads(String branch) {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(thread -> thread.getName().startsWith("eventline-branch-" + branch + "-projection-"))
            .filter(Thread::isAlive)
            .count();
    }
}
