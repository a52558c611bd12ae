package dev.eventline.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main flow once on PostgreSQL (embedded, or the server named by EVENTLINE_TEST_PG_URL). */
class BankOnPostgresTest {

    @TempDir
    Path dataDir;

    @Test
    void the_main_flow_runs_on_postgresql_and_survives_a_restart() throws Exception {
        // given a fresh schema, reached through the brief's postgresql://user:pass@host:port/db form when possible
        BankConfig config = RunningBank.postgresConfig(PostgresTestServer.shared(), dataDir);
        assertThat(config.isPostgres()).isTrue();

        long position;
        try (RunningBank bank = RunningBank.start(config)) {
            TestClient http = bank.http();
            // when
            assertThat(http.command("CreateAccount", "acc-pg", "{\"owner\":\"Pat\",\"initial_balance\":1000}")
                .status()).isEqualTo(200);
            ExecutorService pool = Executors.newFixedThreadPool(10);
            List<Response> deposits = new ArrayList<>();
            try {
                var calls = new ArrayList<Callable<Response>>();
                for (int i = 0; i < 10; i++) {
                    calls.add(() -> http.command("DepositMoney", "acc-pg", "{\"amount\":50.05}"));
                }
                for (Future<Response> future : pool.invokeAll(calls)) {
                    deposits.add(future.get());
                }
            } finally {
                pool.shutdownNow();
            }
            // then
            assertThat(deposits).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
            position = deposits.stream().mapToLong(BankApiFlowTest::position).max().orElseThrow();
            Response balance = http.query("GetAccountBalance", "{\"account_id\":\"acc-pg\"}", position);
            assertThat(balance.status()).isEqualTo(200);
            assertThat(balance.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("1500.50");
            assertThat(http.get("/api/v1/events/acc-pg").json().path("events")).hasSize(11);
            Response replay = http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-pg\",\"use_snapshot\":true}");
            assertThat(replay.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("1500.50");
            assertThat(http.get("/api/v1/integrity/acc-pg").json().path("valid").asBoolean()).isTrue();
            assertThat(http.get("/health").json().path("status").asText()).isEqualTo("UP");
            assertThat(http.command("WithdrawMoney", "acc-pg", "{\"amount\":100000}").status()).isEqualTo(422);
        }
        // when the application restarts on the same database
        try (RunningBank bank = RunningBank.start(config)) {
            TestClient http = bank.http();
            // then nothing is lost
            Response balance = http.query("GetAccountBalance", "{\"account_id\":\"acc-pg\"}", position);
            assertThat(balance.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("1500.50");
            assertThat(balance.json().path("result").path("transaction_count").asLong()).isEqualTo(11);
            Response next = http.command("DepositMoney", "acc-pg", "{\"amount\":1}");
            assertThat(next.json().path("version").asLong()).isEqualTo(12);
        }
    }
}
