package dev.eventline.examples.bank.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventline.examples.bank.BankComponents;
import dev.eventline.examples.bank.RunningBank;
import dev.eventline.examples.bank.app.Health;
import dev.eventline.examples.bank.http.HttpApi;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transfer saga over the bank's HTTP API, on H2: {@code POST /api/v1/sagas} and {@code GET /api/v1/sagas/{id}}. */
class TransferSagaApiTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** The bank with the saga endpoints: its own API when it serves them, else the same API plus this module. */
    private TestClient start() throws Exception {
        RunningBank bank = RunningBank.onH2(dataDir);
        open.add(bank);
        if (bank.http().get("/api/v1/sagas/probe").status() != 501) {
            return bank.http();
        }
        BankComponents components = bank.app().components();
        var api = new HttpApi(components.service(), components.queries(), components.projections(),
            new Health(components.store(), components.dataSource(), components.projections()),
            (PrometheusMeterRegistry) components.metrics().registry(), HttpApi.DEFAULT_MAX_BODY_BYTES);
        Javalin server = api.create(List.of(new TransferSagaModule(components)));
        server.start(0);
        open.add(server::stop);
        return new TestClient(server.port());
    }

    private static void createAccount(TestClient http, String id, String balance) {
        Response created = http.command("CreateAccount", id,
            "{\"owner\":\"Owner of " + id + "\",\"initial_balance\":" + balance + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
    }

    private static String transfer(TestClient http, String from, String to, String amount) {
        Response started = http.post("/api/v1/sagas", "{\"saga_type\":\"TransferSaga\",\"data\":{\"from_account\":\""
            + from + "\",\"to_account\":\"" + to + "\",\"amount\":" + amount + "}}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return started.json().path("saga_id").asText();
    }

    private static Response awaitFinished(TestClient http, String sagaId) {
        await().atMost(WAIT).until(() -> {
            String status = http.get("/api/v1/sagas/" + sagaId).json().path("status").asText();
            return !status.equals("RUNNING");
        });
        return http.get("/api/v1/sagas/" + sagaId);
    }

    private static void awaitBalance(TestClient http, String account, String expected) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(balance(http, account))
            .isEqualByComparingTo(expected));
    }

    private static BigDecimal balance(TestClient http, String account) {
        Response answer = http.query("GetAccountBalance", "{\"account_id\":\"" + account + "\"}", 0);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json().path("result").path("balance").decimalValue();
    }

    @Test
    void a_transfer_moves_the_money_and_completes() throws Exception {
        // given
        TestClient http = start();
        createAccount(http, "acc-a", "100");
        createAccount(http, "acc-b", "50");
        // when
        String sagaId = transfer(http, "acc-a", "acc-b", "30.25");
        // then
        Response saga = awaitFinished(http, sagaId);
        assertThat(saga.json().path("status").asText()).isEqualTo("COMPLETED");
        assertThat(saga.json().path("saga_type").asText()).isEqualTo("TransferSaga");
        assertThat(saga.json().path("saga_id").asText()).isEqualTo(sagaId);
        assertThat(saga.json().path("steps")).extracting(step -> step.path("step").asText())
            .containsExactly("withdraw", "deposit");
        assertThat(saga.json().path("data").path("from_account").asText()).isEqualTo("acc-a");
        awaitBalance(http, "acc-a", "69.75");
        awaitBalance(http, "acc-b", "80.25");
        assertThat(http.get("/metrics").body())
            .contains("eventline_saga_ended_total{saga_type=\"TransferSaga\",status=\"COMPLETED\"} 1.0");
    }

    @Test
    void a_transfer_to_a_missing_account_ends_compensated_with_the_money_back() throws Exception {
        // given
        TestClient http = start();
        createAccount(http, "acc-a", "100");
        // when
        String sagaId = transfer(http, "acc-a", "acc-nobody", "40");
        // then
        Response saga = awaitFinished(http, sagaId);
        assertThat(saga.json().path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.json().path("steps")).extracting(step -> step.path("step").asText() + ":"
            + step.path("status").asText() + (step.path("compensation").asBoolean() ? ":compensation" : ""))
            .containsExactly("withdraw:completed", "deposit:rejected", "withdraw:completed:compensation");
        awaitBalance(http, "acc-a", "100");
    }

    @Test
    void a_transfer_to_a_closed_account_ends_compensated_with_the_money_back() throws Exception {
        // given
        TestClient http = start();
        createAccount(http, "acc-a", "100");
        createAccount(http, "acc-closed", "0");
        assertThat(http.command("CloseAccount", "acc-closed", "{}").status()).isEqualTo(200);
        // when
        String sagaId = transfer(http, "acc-a", "acc-closed", "40");
        // then
        assertThat(awaitFinished(http, sagaId).json().path("status").asText()).isEqualTo("COMPENSATED");
        awaitBalance(http, "acc-a", "100");
        awaitBalance(http, "acc-closed", "0");
    }

    @Test
    void a_transfer_beyond_the_balance_ends_compensated_without_moving_money() throws Exception {
        // given
        TestClient http = start();
        createAccount(http, "acc-a", "10");
        createAccount(http, "acc-b", "0");
        // when
        String sagaId = transfer(http, "acc-a", "acc-b", "40");
        // then
        Response saga = awaitFinished(http, sagaId);
        assertThat(saga.json().path("status").asText()).isEqualTo("COMPENSATED");
        assertThat(saga.json().path("reason").asText()).contains("withdraw");
        awaitBalance(http, "acc-a", "10");
        awaitBalance(http, "acc-b", "0");
    }

    @Test
    void bad_requests_are_refused_with_the_field_named_and_unknown_sagas_are_not_found() throws Exception {
        // given
        TestClient http = start();
        // when
        Response unknownType = http.post("/api/v1/sagas", "{\"saga_type\":\"Nope\",\"data\":{}}");
        Response negative = http.post("/api/v1/sagas", "{\"saga_type\":\"TransferSaga\",\"data\":"
            + "{\"from_account\":\"a\",\"to_account\":\"b\",\"amount\":-5}}");
        Response same = http.post("/api/v1/sagas", "{\"saga_type\":\"TransferSaga\",\"data\":"
            + "{\"from_account\":\"a\",\"to_account\":\"a\",\"amount\":5}}");
        Response missing = http.post("/api/v1/sagas", "{\"saga_type\":\"TransferSaga\",\"data\":"
            + "{\"from_account\":\"a\",\"amount\":5}}");
        Response unknownSaga = http.get("/api/v1/sagas/does-not-exist");
        // then
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.errorCode()).isEqualTo("unknown_saga_type");
        assertThat(negative.status()).isEqualTo(400);
        assertThat(negative.errorMessage()).contains("amount");
        assertThat(same.status()).isEqualTo(400);
        assertThat(same.errorMessage()).contains("to_account");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.errorMessage()).contains("data.to_account");
        assertThat(unknownSaga.status()).isEqualTo(404);
    }

    @Test
    void a_retried_start_with_the_same_idempotency_key_runs_one_transfer() throws Exception {
        // given
        TestClient http = start();
        createAccount(http, "acc-a", "100");
        createAccount(http, "acc-b", "0");
        String body = "{\"saga_type\":\"TransferSaga\",\"data\":{\"from_account\":\"acc-a\",\"to_account\":\"acc-b\","
            + "\"amount\":10}}";
        // when
        Response first = http.post("/api/v1/sagas", body, "Idempotency-Key", "transfer-1");
        Response again = http.post("/api/v1/sagas", body, "Idempotency-Key", "transfer-1");
        Response other = http.post("/api/v1/sagas", body.replace("10}", "11}"), "Idempotency-Key", "transfer-1");
        // then
        assertThat(first.json().path("saga_id").asText()).isEqualTo("transfer-1");
        assertThat(again.status()).isEqualTo(202);
        assertThat(other.status()).isEqualTo(422);
        assertThat(awaitFinished(http, "transfer-1").json().path("status").asText()).isEqualTo("COMPLETED");
        awaitBalance(http, "acc-b", "10");
    }

    @Test
    void sagas_in_flight_finish_exactly_once_after_a_restart_on_the_same_database() throws Exception {
        // given: transfers started, then the application stops at once
        TestClient http = start();
        createAccount(http, "acc-a", "1000");
        createAccount(http, "acc-b", "0");
        var ids = new ArrayList<String>();
        for (int i = 0; i < 20; i++) {
            ids.add(transfer(http, "acc-a", "acc-b", "7"));
        }
        close();
        open.clear();
        // when
        TestClient restarted = start();
        // then
        for (String id : ids) {
            assertThat(awaitFinished(restarted, id).json().path("status").asText()).isEqualTo("COMPLETED");
        }
        awaitBalance(restarted, "acc-a", "860");
        awaitBalance(restarted, "acc-b", "140");
    }

    @Test
    void concurrent_transfers_among_ten_accounts_keep_the_total_constant() throws Exception {
        // given
        TestClient http = start();
        for (int i = 0; i < 10; i++) {
            createAccount(http, "acc-" + i, "100");
        }
        var random = new Random(11);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        var ids = new ArrayList<Future<String>>();
        // when
        for (int i = 0; i < 40; i++) {
            int from = random.nextInt(10);
            String to = i % 8 == 0 ? "acc-missing" : "acc-" + ((from + 1 + random.nextInt(9)) % 10);
            int amount = 1 + random.nextInt(70);
            ids.add(clients.submit(() -> transfer(http, "acc-" + from, to, String.valueOf(amount))));
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        // then
        for (Future<String> id : ids) {
            assertThat(awaitFinished(http, id.get()).json().path("status").asText()).isIn("COMPLETED",
                "COMPENSATED");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            BigDecimal total = BigDecimal.ZERO;
            for (int i = 0; i < 10; i++) {
                BigDecimal balance = balance(http, "acc-" + i);
                assertThat(balance).isNotNegative();
                total = total.add(balance);
            }
            assertThat(total).isEqualByComparingTo("1000");
        });
    }
}
