package dev.eventline.examples.bank.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.RunningBank;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * B-1 of RELIABILITY.md through the HTTP API: 8 clients make random transfers among 100 accounts, and 5% of their
 * requests are sent twice with the same {@code command_id} (a client retry after a lost response). A transfer is a
 * withdrawal from the source then a deposit to the target, each with its own command id; a withdrawal refused for
 * insufficient funds ends the transfer with nothing moved. Afterwards: money is conserved, no balance ever went
 * below zero, no transfer was debited or credited twice, and the read model equals a fold of the events.
 * <p>
 * Here the clients drive the two steps themselves, with command ids; {@link BankSagaInvariantsTest} runs the same
 * invariants with the transfer saga.
 * <p>
 * CI: the plan's 1,000 transfers; extended ({@code -Deventline.extended=true}): 80,000 (8 clients × 10,000).
 * {@code -Deventline.b1.database=postgres} runs it on PostgreSQL instead of the example's H2 file.
 * {@code -Deventline.b1.transfers=N} runs another size (to measure).
 */
@Tag("slow")
class BankInvariantsTest {

    private static final boolean EXTENDED = Boolean.getBoolean("eventline.extended");
    private static final int CLIENTS = 8;
    /** The plan's CI size (1,000 transfers); 8 × 10,000 extended. */
    static final int CI_TRANSFERS = 1_000;
    static final int EXTENDED_TRANSFERS = 80_000;
    private static final int TRANSFERS = Integer.getInteger("eventline.b1.transfers",
        EXTENDED ? EXTENDED_TRANSFERS : CI_TRANSFERS);
    private static final int ACCOUNTS = 100;
    private static final BigDecimal OPENING = new BigDecimal("1000.00");
    private static final int RETRY_PERCENT = 5;

    @TempDir
    Path dataDir;

    @Test
    void random_transfers_with_client_retries_conserve_money_and_never_apply_twice() throws Exception {
        try (RunningBank bank = RunningBank.onTestDatabase(dataDir)) {
            TestClient http = bank.http();
            // given
            for (int a = 0; a < ACCOUNTS; a++) {
                Response created = http.command("CreateAccount", account(a),
                    "{\"owner\":\"Owner " + a + "\",\"initial_balance\":" + OPENING + "}");
                assertThat(created.status()).as(created.body()).isEqualTo(200);
            }
            AtomicLong completed = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            AtomicLong duplicatesSent = new AtomicLong();
            AtomicLong maxPosition = new AtomicLong();
            ConcurrentLinkedQueue<BigDecimal> moved = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
            long began = System.nanoTime();
            // when
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    running.add(clients.submit(() -> {
                        Random random = new Random(client);
                        for (int t = 0; t < TRANSFERS / CLIENTS; t++) {
                            int from = random.nextInt(ACCOUNTS);
                            int to = (from + 1 + random.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
                            BigDecimal amount = BigDecimal.valueOf(1 + random.nextInt(40_000), 2);
                            String id = "t-" + client + "-" + t;
                            Response withdrawn = send(http, random, duplicatesSent, problems, "WithdrawMoney",
                                account(from), id + "-w", amount, account(to));
                            if (withdrawn.status() == 422) {
                                refused.incrementAndGet();
                                continue;
                            }
                            if (withdrawn.status() != 200) {
                                problems.add(id + " withdraw: " + withdrawn.status() + " " + withdrawn.body());
                                continue;
                            }
                            Response deposited = send(http, random, duplicatesSent, problems, "DepositMoney",
                                account(to), id + "-d", amount, account(from));
                            if (deposited.status() != 200) {
                                problems.add(id + " deposit: " + deposited.status() + " " + deposited.body());
                                continue;
                            }
                            completed.incrementAndGet();
                            moved.add(amount);
                            maxPosition.accumulateAndGet(lastPosition(deposited), Math::max);
                        }
                        return null;
                    }));
                }
                for (Future<?> future : running) {
                    future.get();
                }
            } finally {
                clients.shutdownNow();
            }
            // then
            assertThat(problems).isEmpty();
            BigDecimal total = BigDecimal.ZERO;
            BigDecimal withdrawnSum = BigDecimal.ZERO;
            BigDecimal depositedSum = BigDecimal.ZERO;
            long withdrawals = 0;
            long deposits = 0;
            long events = 0;
            for (int a = 0; a < ACCOUNTS; a++) {
                JsonNode stored = http.get("/api/v1/events/" + account(a)).json().path("events");
                BigDecimal balance = BigDecimal.ZERO;
                for (JsonNode event : stored) {
                    events++;
                    JsonNode data = event.path("data");
                    switch (event.path("event_type").asText()) {
                        case "AccountCreated" -> balance = data.path("opening_balance").decimalValue();
                        case "MoneyWithdrawn" -> {
                            balance = balance.subtract(data.path("amount").decimalValue());
                            withdrawnSum = withdrawnSum.add(data.path("amount").decimalValue());
                            withdrawals++;
                        }
                        case "MoneyDeposited" -> {
                            balance = balance.add(data.path("amount").decimalValue());
                            depositedSum = depositedSum.add(data.path("amount").decimalValue());
                            deposits++;
                        }
                        default -> problems.add(account(a) + ": unexpected " + event.path("event_type"));
                    }
                    assertThat(balance.signum()).as("%s never below zero", account(a)).isNotNegative();
                    if (data.has("balance_after")) {
                        assertThat(data.path("balance_after").decimalValue()).isEqualByComparingTo(balance);
                    }
                }
                total = total.add(balance);
                Response model = http.query("GetAccountBalance", "{\"account_id\":\"" + account(a) + "\"}",
                    maxPosition.get());
                assertThat(model.status()).as(model.body()).isEqualTo(200);
                assertThat(model.json().path("result").path("balance").decimalValue()).as("read model of %s",
                    account(a)).isEqualByComparingTo(balance);
                assertThat(model.json().path("result").path("transaction_count").asLong()).isEqualTo(stored.size());
            }
            BigDecimal movedSum = moved.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
            System.out.println("[reliability] B-1 " + size() + ": on " + RunningBank.testDatabase() + ", "
                + TRANSFERS + " transfers by " + CLIENTS + " clients: " + completed + " completed, " + refused
                + " refused for funds, " + duplicatesSent + " duplicate requests sent, " + events
                + " events checked, 0 double debits, " + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThat(problems).isEmpty();
            assertThat(total).as("money conserved").isEqualByComparingTo(OPENING.multiply(BigDecimal.valueOf(ACCOUNTS)));
            assertThat(completed.get() + refused.get()).isEqualTo(TRANSFERS / CLIENTS * CLIENTS);
            assertThat(withdrawals).as("one debit per completed transfer").isEqualTo(completed.get());
            assertThat(deposits).as("one credit per completed transfer").isEqualTo(completed.get());
            assertThat(withdrawnSum).isEqualByComparingTo(movedSum);
            assertThat(depositedSum).isEqualByComparingTo(movedSum);
            assertThat(duplicatesSent.get()).as("client retries happened").isPositive();
        }
    }

    private static String account(int a) {
        return String.format("acc-b1-%02d", a);
    }

    /**
     * Sends a command; 5% of the time sends it again with the same id, as a client does that lost the answer, and
     * takes the second answer as the truth. A success must be answered identically; a refusal is not remembered, so
     * the retry runs the command again.
     */
    private static Response send(TestClient http, Random random, AtomicLong duplicatesSent,
                                 ConcurrentLinkedQueue<String> problems, String type, String accountId,
                                 String commandId, BigDecimal amount, String related) {
        String body = "{\"command_type\":\"" + type + "\",\"aggregate_id\":\"" + accountId + "\",\"command_id\":\""
            + commandId + "\",\"data\":{\"amount\":" + amount.toPlainString() + ",\"related_account\":\"" + related
            + "\"}}";
        Response first = http.post("/api/v1/commands", body);
        if (random.nextInt(100) < RETRY_PERCENT) {
            duplicatesSent.incrementAndGet();
            Response again = http.post("/api/v1/commands", body);
            if (first.status() == 200 && (again.status() != 200 || !again.json().equals(first.json()))) {
                problems.add(commandId + ": retry answered " + again.status() + " " + again.body() + " after "
                    + first.status() + " " + first.body());
            }
            return again;
        }
        return first;
    }

    private static long lastPosition(Response response) {
        long max = 0;
        for (JsonNode event : response.json().path("events")) {
            max = Math.max(max, event.path("global_position").asLong());
        }
        return max;
    }

    /** The size label of the report line: a run set below the extended size by its property is partial. */
    private static String size() {
        if (!EXTENDED) {
            return "(ci)";
        }
        return TRANSFERS < EXTENDED_TRANSFERS
            ? "(partial extended run: " + TRANSFERS + " of " + EXTENDED_TRANSFERS + ")" : "(extended)";
    }
}
