package dev.eventline.examples.bank.branch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.RunningBank;
import dev.eventline.examples.bank.http.Json;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Branches over HTTP: what-if timelines that never change the main one, and survive a restart (with their read
 * models, rebuilt by the first query).
 */
class BankBranchesApiTest {

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
    void a_deposit_on_a_branch_changes_the_branch_and_leaves_main_unchanged() {
        // given an account on main and a branch at the head
        Response created = http.command("CreateAccount", "acc-br", "{\"owner\":\"Bo\",\"initial_balance\":100}");
        long accountPosition = created.json().path("events").get(0).path("global_position").asLong();
        Response branch = http.post("/api/v1/branches", "{\"name\":\"what-if\"}");
        assertThat(branch.status()).as(branch.body()).isEqualTo(201);
        assertThat(branch.json().path("name").asText()).isEqualTo("what-if");
        assertThat(branch.json().path("fork_position").asLong()).isGreaterThanOrEqualTo(accountPosition);

        // when depositing on the branch (body field)
        Response deposit = http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
            + "\"acc-br\",\"data\":{\"amount\":50},\"command_id\":\"dep-1\",\"branch\":\"what-if\"}");

        // then the branch has the deposit, main does not
        assertThat(deposit.status()).as(deposit.body()).isEqualTo(200);
        assertThat(deposit.json().path("version").asLong()).isEqualTo(2);
        assertThat(balance(replay("acc-br", null))).isEqualByComparingTo("100");
        assertThat(get("/api/v1/events/acc-br", null).json().path("events")).hasSize(1);
        assertThat(balance(replay("acc-br", "what-if"))).isEqualByComparingTo("150");
        JsonNode branchEvents = get("/api/v1/events/acc-br", "what-if").json().path("events");
        assertThat(branchEvents).hasSize(2);
        assertThat(branchEvents.get(1).path("event_type").asText()).isEqualTo("MoneyDeposited");
        Response integrity = get("/api/v1/integrity/acc-br", "what-if");
        assertThat(integrity.json().path("valid").asBoolean()).as(integrity.body()).isTrue();
        assertThat(integrity.json().path("events_checked").asLong()).isEqualTo(2);
    }

    @Test
    void a_command_id_runs_once_per_timeline() {
        // given a deposit with a command id on a branch
        http.command("CreateAccount", "acc-idem", "{\"owner\":\"Id\",\"initial_balance\":0}");
        assertThat(http.post("/api/v1/branches", "{\"name\":\"idem\"}").status()).isEqualTo(201);
        String deposit = "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-idem\",\"data\":{\"amount\":5},"
            + "\"command_id\":\"same-id\"}";
        assertThat(http.post("/api/v1/commands", deposit, "X-Branch", "idem").status()).isEqualTo(200);

        // when the same id is sent again on the branch, then on main
        Response repeat = http.post("/api/v1/commands", deposit, "X-Branch", "idem");
        Response onMain = http.post("/api/v1/commands", deposit);

        // then the branch deduplicated it and main ran it
        assertThat(repeat.status()).isEqualTo(200);
        assertThat(balance(replay("acc-idem", "idem"))).isEqualByComparingTo("5");
        assertThat(onMain.status()).as(onMain.body()).isEqualTo(200);
        assertThat(balance(replay("acc-idem", null))).isEqualByComparingTo("5");
    }

    @Test
    void branches_are_listed_and_deleted() {
        // given
        assertThat(http.post("/api/v1/branches", "{\"name\":\"tmp\",\"from_position\":0}").status()).isEqualTo(201);
        assertThat(names(http.get("/api/v1/branches"))).contains("tmp");

        // when
        Response deleted = http.delete("/api/v1/branches/tmp");

        // then
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(names(http.get("/api/v1/branches"))).doesNotContain("tmp");
        Response again = http.delete("/api/v1/branches/tmp");
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.errorCode()).isEqualTo("branch_not_found");
    }

    @Test
    void a_re_created_branch_does_not_keep_the_deleted_ones_events() {
        // given a branch with a deposit, deleted
        http.command("CreateAccount", "acc-again", "{\"owner\":\"Ag\",\"initial_balance\":1}");
        assertThat(http.post("/api/v1/branches", "{\"name\":\"again\"}").status()).isEqualTo(201);
        assertThat(http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
            + "\"acc-again\",\"data\":{\"amount\":9}}", "X-Branch", "again").status()).isEqualTo(200);
        assertThat(balance(replay("acc-again", "again"))).isEqualByComparingTo("10");
        assertThat(http.delete("/api/v1/branches/again").status()).isEqualTo(200);

        // when a branch of the same name is created again
        assertThat(http.post("/api/v1/branches", "{\"name\":\"again\"}").status()).isEqualTo(201);

        // then it starts from main, without the old branch's deposit
        assertThat(balance(replay("acc-again", "again"))).isEqualByComparingTo("1");
        assertThat(get("/api/v1/events/acc-again", "again").json().path("events")).hasSize(1);
    }

    @Test
    void an_empty_branch_from_position_zero_sees_no_main_events() {
        // given an account on main
        http.command("CreateAccount", "acc-zero", "{\"owner\":\"Zed\",\"initial_balance\":1}");

        // when
        assertThat(http.post("/api/v1/branches", "{\"name\":\"empty\",\"from_position\":0}").status())
            .isEqualTo(201);

        // then
        assertThat(get("/api/v1/events/acc-zero", "empty").json().path("events")).isEmpty();
        assertThat(get("/api/v1/events/acc-zero", null).json().path("events")).hasSize(1);
    }

    @Test
    void unknown_branches_answer_404_and_bad_requests_400_or_409() {
        Response unknownHeader = get("/api/v1/events/acc-br", "nope");
        assertThat(unknownHeader.status()).isEqualTo(404);
        assertThat(unknownHeader.errorCode()).isEqualTo("branch_not_found");
        Response unknownBody = http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-br\",\"branch\":\"nope\"}");
        assertThat(unknownBody.status()).isEqualTo(404);
        assertThat(http.post("/api/v1/branches", "{\"name\":\"dup\"}").status()).isEqualTo(201);
        Response duplicate = http.post("/api/v1/branches", "{\"name\":\"dup\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(http.post("/api/v1/branches", "{\"name\":\"bad name!\"}").status()).isEqualTo(400);
        assertThat(http.post("/api/v1/branches", "{\"name\":\"x\",\"from_position\":999999}").status())
            .isEqualTo(400);
        assertThat(http.post("/api/v1/branches", "{\"name\":\"x\",\"from_position\":1,\"from_time\":"
            + "\"2026-01-01T00:00:00Z\"}").status()).isEqualTo(400);
        Response query = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"acc-none\"},\"branch\":\"dup\"}");
        assertThat(query.status()).as(query.body()).isEqualTo(404);
        assertThat(query.errorCode()).isEqualTo("account_not_found");
    }

    @Test
    void branches_and_their_events_survive_a_restart(@TempDir Path ownDir) throws Exception {
        // given a branch with its own deposit
        try (RunningBank first = RunningBank.onH2(ownDir)) {
            TestClient client = first.http();
            client.command("CreateAccount", "acc-keep", "{\"owner\":\"Kay\",\"initial_balance\":10}");
            assertThat(client.post("/api/v1/branches", "{\"name\":\"kept\"}").status()).isEqualTo(201);
            assertThat(client.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
                + "\"acc-keep\",\"data\":{\"amount\":7}}", "X-Branch", "kept").status()).isEqualTo(200);
            assertThat(queriedBalance(client, "kept")).isEqualByComparingTo("17");
        }

        // when the bank restarts
        try (RunningBank second = RunningBank.onH2(ownDir)) {
            TestClient client = second.http();

            // then the branch and its event are still there, and main is unchanged
            assertThat(names(client.get("/api/v1/branches"))).containsExactly("kept");
            Response branchReplay = client.post("/api/v1/replay", "{\"aggregate_id\":\"acc-keep\","
                + "\"branch\":\"kept\"}");
            assertThat(balance(branchReplay)).isEqualByComparingTo("17");
            Response mainReplay = client.post("/api/v1/replay", "{\"aggregate_id\":\"acc-keep\"}");
            assertThat(balance(mainReplay)).isEqualByComparingTo("10");

            // and its read models are rebuilt by the first query, then follow its new commands
            assertThat(queriedBalance(client, "kept")).isEqualByComparingTo("17");
            assertThat(client.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
                + "\"acc-keep\",\"data\":{\"amount\":3}}", "X-Branch", "kept").status()).isEqualTo(200);
            assertThat(queriedBalance(client, "kept")).isEqualByComparingTo("20");
            Response onMain = client.query("GetAccountBalance", "{\"account_id\":\"acc-keep\"}", 1);
            assertThat(onMain.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("10");
        }
    }

    private static java.math.BigDecimal queriedBalance(TestClient client, String branch) {
        Response response = client.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"acc-keep\"},\"timeout_ms\":30000}", "X-Branch", branch);
        assertThat(response.status()).as(response.body()).isEqualTo(200);
        return response.json().path("result").path("balance").decimalValue();
    }

    private static Response replay(String aggregateId, String branch) {
        String body = "{\"aggregate_id\":\"" + aggregateId + "\",\"use_snapshot\":true}";
        return branch == null ? http.post("/api/v1/replay", body) : http.post("/api/v1/replay", body, "X-Branch",
            branch);
    }

    private static java.math.BigDecimal balance(Response replay) {
        assertThat(replay.status()).as(replay.body()).isEqualTo(200);
        return replay.json().path("state").path("balance").decimalValue();
    }

    private static java.util.List<String> names(Response list) {
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        var names = new java.util.ArrayList<String>();
        list.json().forEach(branch -> names.add(branch.path("name").asText()));
        return names;
    }

    private static Response get(String path, String branch) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + bank.app().port()
            + path)).timeout(Duration.ofSeconds(30)).GET();
        if (branch != null) {
            request.header("X-Branch", branch);
        }
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), Json.mapper().readTree(response.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
