package dev.eventline.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every error case of the contract: status, error code, a message naming the problem, and nothing written. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BankApiErrorsTest {

    @TempDir
    static Path dataDir;

    private RunningBank bank;
    private TestClient http;
    private final List<Response> errors = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        bank = RunningBank.onH2(dataDir);
        http = bank.http();
        http.command("CreateAccount", "acc-err", "{\"owner\":\"Eve\",\"initial_balance\":100}");
    }

    @AfterAll
    void stop() {
        bank.close();
    }

    @AfterEach
    void no_error_leaks_internals() {
        for (Response error : errors) {
            assertThat(error.json()).as("error body of %s", error.body()).isNotNull();
            assertThat(error.json().path("error").path("code").isTextual()).isTrue();
            assertThat(error.json().path("error").path("message").isTextual()).isTrue();
            assertThat(error.body()).doesNotContain("\tat ", "Exception", "SELECT ", "INSERT ", "dev.eventline.");
        }
        errors.clear();
    }

    private Response error(Response response) {
        errors.add(response);
        return response;
    }

    private long accountVersion() {
        return http.get("/api/v1/events/acc-err").json().path("events").size();
    }

    @Nested
    class Bad_requests_answer_400 {

        @Test
        void malformed_json() {
            Response response = error(http.post("/api/v1/commands", "{\"command_type\": \"DepositMoney\","));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("invalid_json");
        }

        @Test
        void a_body_that_is_not_an_object_or_has_duplicate_keys() {
            assertThat(error(http.post("/api/v1/commands", "[1,2]")).status()).isEqualTo(400);
            Response duplicate = error(http.post("/api/v1/commands",
                "{\"command_type\":\"A\",\"command_type\":\"B\"}"));
            assertThat(duplicate.status()).isEqualTo(400);
            assertThat(duplicate.errorCode()).isEqualTo("invalid_json");
        }

        @Test
        void an_unknown_command_type() {
            Response response = error(http.command("TransferEverything", "acc-err", "{}"));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("unknown_command_type");
            assertThat(response.errorMessage()).contains("TransferEverything", "DepositMoney");
        }

        @Test
        void an_unknown_query_type() {
            Response response = error(http.post("/api/v1/queries",
                "{\"query_type\":\"GetEverything\",\"filters\":{}}"));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorCode()).isEqualTo("unknown_query_type");
        }

        @Test
        void a_missing_field_is_named() {
            Response response = error(http.command("DepositMoney", "acc-err", "{\"account_id\":\"acc-err\"}"));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorMessage()).contains("data.amount");
            Response noType = error(http.post("/api/v1/commands", "{\"aggregate_id\":\"acc-err\",\"data\":{}}"));
            assertThat(noType.errorMessage()).contains("command_type");
            Response noFilter = error(http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\","
                + "\"filters\":{}}"));
            assertThat(noFilter.status()).isEqualTo(400);
            assertThat(noFilter.errorMessage()).contains("filters.account_id");
        }

        @Test
        void a_wrong_typed_field_is_named() {
            Response response = error(http.command("DepositMoney", "acc-err", "{\"amount\":\"500\"}"));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorMessage()).contains("data.amount", "number");
            Response version = error(http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\","
                + "\"aggregate_id\":\"acc-err\",\"data\":{\"amount\":1},\"expected_version\":\"abc\"}"));
            assertThat(version.status()).isEqualTo(400);
            assertThat(version.errorMessage()).contains("expected_version");
        }

        @Test
        void negative_zero_and_over_precise_amounts_and_write_nothing() {
            long before = accountVersion();
            for (String amount : List.of("-5", "0", "0.001", "1e400")) {
                Response response = error(http.command("DepositMoney", "acc-err", "{\"amount\":" + amount + "}"));
                assertThat(response.status()).as("amount %s", amount).isEqualTo(400);
                assertThat(response.errorMessage()).contains("data.amount");
            }
            Response negativeOpening = error(http.command("CreateAccount", "acc-neg",
                "{\"owner\":\"N\",\"initial_balance\":-1}"));
            assertThat(negativeOpening.errorMessage()).contains("data.initial_balance");
            assertThat(accountVersion()).isEqualTo(before);
            assertThat(error(http.get("/api/v1/events/acc-neg")).status()).isEqualTo(404);
        }

        @Test
        void nul_characters_and_lone_surrogates_in_text() {
            Response nul = error(http.command("CreateAccount", "acc-nul", "{\"owner\":\"a\\u0000b\","
                + "\"initial_balance\":1}"));
            assertThat(nul.status()).isEqualTo(400);
            assertThat(nul.errorMessage()).contains("data.owner");
            Response surrogate = error(http.command("CreateAccount", "acc-sur", "{\"owner\":\"a\\ud800b\","
                + "\"initial_balance\":1}"));
            assertThat(surrogate.status()).isEqualTo(400);
            assertThat(surrogate.errorMessage()).contains("data.owner");
        }

        @Test
        void an_over_long_id() {
            String longId = "a".repeat(101);
            Response response = error(http.command("CreateAccount", longId, "{\"owner\":\"L\",\"initial_balance\":1}"));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorMessage()).contains("aggregate_id");
        }

        @Test
        void a_data_id_that_contradicts_the_aggregate_id() {
            Response response = error(http.command("DepositMoney", "acc-err",
                "{\"account_id\":\"acc-other\",\"amount\":1}"));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.errorMessage()).contains("data.account_id");
        }
    }

    @Test
    void a_body_over_one_mebibyte_answers_413_and_writes_nothing() {
        // given
        long before = accountVersion();
        String padding = "x".repeat(1024 * 1024);
        byte[] body = ("{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-err\",\"data\":{\"amount\":1},"
            + "\"metadata\":{\"note\":\"" + padding + "\"}}").getBytes(StandardCharsets.UTF_8);
        // when
        Response response = error(http.post("/api/v1/commands", body));
        // then
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.errorCode()).isEqualTo("payload_too_large");
        assertThat(accountVersion()).isEqualTo(before);
    }

    @Test
    void a_chunked_body_without_length_is_cut_off_at_the_limit_too() throws Exception {
        // given a body streamed without Content-Length, larger than 1 MiB
        long before = accountVersion();
        byte[] head = "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-err\",\"data\":{\"amount\":1},\"x\":\""
            .getBytes(StandardCharsets.UTF_8);
        byte[] padding = "y".repeat(2 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);
        var request = HttpRequest.newBuilder(URI.create("http://localhost:"
                + bank.app().port() + "/api/v1/commands"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(
                new ByteArrayInputStream(head), new ByteArrayInputStream(padding))))
            .build();
        // when
        int status;
        try {
            status = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException closedWhileSending) {
            status = 413; // the contract allows answering before the body is read and closing the connection
        }
        // then
        assertThat(status).isEqualTo(413);
        assertThat(accountVersion()).isEqualTo(before);
    }

    @Test
    void unknown_aggregates_streams_projections_and_routes_answer_404() {
        Response deposit = error(http.command("DepositMoney", "acc-missing", "{\"amount\":1}"));
        assertThat(deposit.status()).isEqualTo(404);
        assertThat(error(http.get("/api/v1/events/acc-missing")).status()).isEqualTo(404);
        assertThat(error(http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-missing\"}")).status()).isEqualTo(404);
        assertThat(error(http.get("/api/v1/integrity/acc-missing")).status()).isEqualTo(404);
        Response balance = error(http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\","
            + "\"filters\":{\"account_id\":\"acc-missing\"}}"));
        assertThat(balance.status()).isEqualTo(404);
        Response projection = error(http.get("/api/v1/projections/nope"));
        assertThat(projection.status()).isEqualTo(404);
        assertThat(projection.errorCode()).isEqualTo("projection_not_found");
        assertThat(error(http.post("/api/v1/projections/nope/rebuild", "")).status()).isEqualTo(404);
        assertThat(error(http.get("/api/v1/nothing-here")).status()).isEqualTo(404);
    }

    @Test
    void a_stale_expected_version_answers_409_and_a_matching_one_succeeds() {
        // given
        long version = accountVersion();
        // when
        Response stale = error(http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
            + "\"acc-err\",\"data\":{\"amount\":1},\"expected_version\":" + (version - 1) + "}"));
        Response current = http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
            + "\"acc-err\",\"data\":{\"amount\":1},\"expected_version\":" + version + "}");
        // then
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorCode()).isEqualTo("concurrency_conflict");
        assertThat(current.status()).isEqualTo(200);
        assertThat(current.json().path("version").asLong()).isEqualTo(version + 1);
    }

    @Test
    void business_rules_answer_422() {
        long before = accountVersion();
        Response overdraft = error(http.command("WithdrawMoney", "acc-err", "{\"amount\":1000000}"));
        assertThat(overdraft.status()).isEqualTo(422);
        assertThat(overdraft.errorCode()).isEqualTo("insufficient_funds");
        Response duplicate = error(http.command("CreateAccount", "acc-err", "{\"owner\":\"X\",\"initial_balance\":1}"));
        assertThat(duplicate.status()).isEqualTo(422);
        assertThat(duplicate.errorCode()).isEqualTo("account_already_exists");
        assertThat(accountVersion()).isEqualTo(before);

        http.command("CreateAccount", "acc-closed", "{\"owner\":\"C\",\"initial_balance\":1}");
        http.command("CloseAccount", "acc-closed", "{}");
        Response closed = error(http.command("DepositMoney", "acc-closed", "{\"amount\":1}"));
        assertThat(closed.status()).isEqualTo(422);
        assertThat(closed.errorCode()).isEqualTo("account_closed");
    }

    @Nested
    class Idempotency {

        private Response deposit(String id, String amount) {
            return http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-err\","
                + "\"command_id\":\"" + id + "\",\"data\":{\"amount\":" + amount + "}}");
        }

        @Test
        void a_retried_command_id_returns_the_first_result_and_appends_nothing() {
            // given
            Response first = deposit("cmd-retry-1", "7");
            long after = accountVersion();
            // when
            Response again = deposit("cmd-retry-1", "7.00");
            // then
            assertThat(first.status()).isEqualTo(200);
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.json()).isEqualTo(first.json());
            assertThat(accountVersion()).isEqualTo(after);
        }

        @Test
        void the_idempotency_key_header_works_like_command_id() {
            String body = "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-err\",\"data\":{\"amount\":3}}";
            Response first = http.post("/api/v1/commands", body, "Idempotency-Key", "key-header-1");
            long after = accountVersion();
            Response again = http.post("/api/v1/commands", body, "Idempotency-Key", "key-header-1");
            assertThat(again.json()).isEqualTo(first.json());
            assertThat(accountVersion()).isEqualTo(after);
        }

        @Test
        void the_same_id_with_a_different_body_answers_422() {
            deposit("cmd-reuse-1", "1");
            long after = accountVersion();
            Response reused = error(deposit("cmd-reuse-1", "2"));
            assertThat(reused.status()).isEqualTo(422);
            assertThat(reused.errorCode()).isEqualTo("idempotency_key_reused");
            assertThat(accountVersion()).isEqualTo(after);
        }

        @Test
        void a_failed_command_can_be_retried_with_its_id() {
            Response refused = error(deposit("cmd-fail-1", "0.001"));
            assertThat(refused.status()).isEqualTo(400);
            Response overdraft = error(http.post("/api/v1/commands", "{\"command_type\":\"WithdrawMoney\","
                + "\"aggregate_id\":\"acc-err\",\"command_id\":\"cmd-fail-2\",\"data\":{\"amount\":99999999}}"));
            assertThat(overdraft.status()).isEqualTo(422);
            Response retried = http.post("/api/v1/commands", "{\"command_type\":\"WithdrawMoney\","
                + "\"aggregate_id\":\"acc-err\",\"command_id\":\"cmd-fail-2\",\"data\":{\"amount\":99999999}}");
            assertThat(retried.status()).isEqualTo(422);
        }

        @Test
        void concurrent_duplicates_append_once_and_each_gets_the_result_or_409() throws Exception {
            // given
            long before = accountVersion();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                var calls = new ArrayList<Callable<Response>>();
                for (int i = 0; i < 5; i++) {
                    calls.add(() -> deposit("cmd-race-1", "11"));
                }
                // when
                var results = new ArrayList<Response>();
                for (Future<Response> future : pool.invokeAll(calls)) {
                    results.add(future.get());
                }
                // then
                assertThat(results).allSatisfy(r -> assertThat(r.status()).isIn(200, 409));
                assertThat(results).anySatisfy(r -> assertThat(r.status()).isEqualTo(200));
                assertThat(results.stream().filter(r -> r.status() == 200).map(Response::json).distinct())
                    .hasSize(1);
                assertThat(accountVersion()).isEqualTo(before + 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void a_query_that_cannot_reach_its_position_answers_503_read_model_behind() {
        Response response = error(http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
            + "{\"account_id\":\"acc-err\"},\"consistent_with\":999999999,\"timeout_ms\":100}"));
        assertThat(response.status()).isEqualTo(503);
        assertThat(response.errorCode()).isEqualTo("read_model_behind");
    }

    @Test
    void raw_appends_check_type_data_and_stream() {
        Response unknown = error(http.post("/api/v1/events", "{\"aggregate_id\":\"acc-err\",\"event_type\":"
            + "\"java.lang.Runtime\",\"data\":{}}"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorCode()).isEqualTo("unknown_event_type");
        Response missing = error(http.post("/api/v1/events", "{\"aggregate_id\":\"acc-err\",\"event_type\":"
            + "\"MoneyDeposited\",\"data\":{\"account_id\":\"acc-err\"}}"));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorMessage()).contains("data.");
        Response secondCreation = error(http.post("/api/v1/events", "{\"aggregate_id\":\"acc-err\",\"event_type\":"
            + "\"AccountCreated\",\"data\":{\"account_id\":\"acc-err\",\"owner\":\"X\",\"opening_balance\":1}}"));
        assertThat(secondCreation.status()).isEqualTo(422);
    }
}
