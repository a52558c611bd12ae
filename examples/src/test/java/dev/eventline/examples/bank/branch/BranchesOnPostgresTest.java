package dev.eventline.examples.bank.branch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.examples.bank.RunningBank;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Branches on PostgreSQL, where a log position carries the writing transaction: a branch forked at a main
 * {@code global_position} sees exactly the events up to it, in its events and in its read models.
 */
class BranchesOnPostgresTest {

    @TempDir
    Path dataDir;

    @Test
    void a_branch_from_a_global_position_sees_main_up_to_that_event_only() throws Exception {
        // given two accounts created one after the other on main
        try (RunningBank bank = RunningBank.onPostgresSchema(dataDir)) {
            TestClient http = bank.http();
            Response first = http.command("CreateAccount", "acc-a", "{\"owner\":\"A\",\"initial_balance\":10}");
            long firstPosition = first.json().path("events").get(0).path("global_position").asLong();
            assertThat(http.command("CreateAccount", "acc-b", "{\"owner\":\"B\",\"initial_balance\":20}").status())
                .isEqualTo(200);

            // when a branch forks at the first account's creation
            Response branch = http.post("/api/v1/branches", "{\"name\":\"early\",\"from_position\":" + firstPosition
                + "}");

            // then it sees the first account only, and its own appends stay on it
            assertThat(branch.status()).as(branch.body()).isEqualTo(201);
            assertThat(branch.json().path("fork_position").asLong()).isEqualTo(firstPosition);
            Response deposit = http.post("/api/v1/commands", "{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
                + "\"acc-a\",\"data\":{\"amount\":5},\"branch\":\"early\"}");
            assertThat(deposit.status()).as(deposit.body()).isEqualTo(200);
            Response missing = http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-b\",\"branch\":\"early\"}");
            assertThat(missing.status()).as(missing.body()).isEqualTo(404);
            Response onBranch = http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-a\",\"branch\":\"early\"}");
            assertThat(onBranch.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("15");
            Response onMain = http.post("/api/v1/replay", "{\"aggregate_id\":\"acc-a\"}");
            assertThat(onMain.json().path("state").path("balance").decimalValue()).isEqualByComparingTo("10");
            // and its read models (over the branch's timeline on PostgreSQL) agree
            Response queried = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
                + "{\"account_id\":\"acc-a\"}}", "X-Branch", "early");
            assertThat(queried.status()).as(queried.body()).isEqualTo(200);
            assertThat(queried.json().path("result").path("balance").decimalValue()).isEqualByComparingTo("15");
            Response notYet = http.post("/api/v1/queries", "{\"query_type\":\"GetAccountBalance\",\"filters\":"
                + "{\"account_id\":\"acc-b\"}}", "X-Branch", "early");
            assertThat(notYet.status()).as(notYet.body()).isEqualTo(404);
        }
    }
}
