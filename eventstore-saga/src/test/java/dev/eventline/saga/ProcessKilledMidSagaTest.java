package dev.eventline.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY F-5 (CI size): kill -9 the JVM running sagas, mid-step, twice; then let a runner finish. Each kill
 * costs a JVM start, so the count stays small.
 */
class ProcessKilledMidSagaTest {

    private static final int TRANSFERS = 20;
    private static final int ACCOUNTS = 6;
    private static final int KILLS = 2;

    static TransferSagas.Transfer transfer(int i, int accounts) {
        if (i % 7 == 3) {
            return new TransferSagas.Transfer("acc-" + (i % accounts), "closed", 5);
        }
        // At most 4 transfers of at most 10 leave an account of 100: no withdrawal can be refused, whatever the order.
        return new TransferSagas.Transfer("acc-" + (i % accounts), "acc-" + ((i + 1 + i / accounts) % accounts),
            1 + (i * 13) % 10);
    }

    @Test
    void sagas_killed_mid_step_finish_exactly_once_with_the_money_conserved() throws Exception {
        // given
        PostgresTestServer server = PostgresTestServer.shared();
        String schema = "saga_kill_" + Long.toHexString(System.nanoTime());
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        }
        try (JdbcEventStore store = JdbcEventStore.builder(server.jdbcUrl(), server.user(), server.password())
                .schema(schema).dialect(Dialect.postgres()).build()) {
            store.createSchema();
            var bank = new EventSourcedBank(store);
            for (int i = 0; i < ACCOUNTS; i++) {
                bank.open("acc-" + i, 100);
            }
            bank.open("closed", 0);
            bank.close("closed");
            // when: the saga process is killed several times in the middle of its work
            var random = new Random(7);
            for (int kill = 0; kill < KILLS; kill++) {
                Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SagaKillChild.class.getName(), server.jdbcUrl(),
                    String.valueOf(server.user()), String.valueOf(server.password()), schema,
                    String.valueOf(TRANSFERS), String.valueOf(ACCOUNTS))
                    .redirectErrorStream(true).start();
                var output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = output.readLine()) != null && !line.equals("started")) {
                    // wait until the child has started its sagas
                }
                Thread.sleep(50 + random.nextInt(250));
                child.destroyForcibly();
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            // then: a new runner finishes every saga, and no step was applied twice
            try (SagaRunner runner = SagaRunner.builder(store, bank).register(TransferSagas.TRANSFER)
                    .pollInterval(Duration.ofMillis(20)).build()) {
                runner.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> runner.isCaughtUp()
                    && runner.list(TransferSagas.TRANSFER.name()).size() == TRANSFERS
                    && runner.list(TransferSagas.TRANSFER.name()).stream().allMatch(s -> s.status().isFinal()));
                long total = 0;
                for (int i = 0; i < ACCOUNTS; i++) {
                    assertThat(bank.balance("acc-" + i)).isNotNegative();
                    total += bank.balance("acc-" + i);
                }
                assertThat(total).isEqualTo(100L * ACCOUNTS);
                assertThat(bank.balance("closed")).isZero();
                for (int i = 0; i < TRANSFERS; i++) {
                    SagaInstance instance = runner.find("k-" + i).orElseThrow();
                    assertThat(instance.status()).as("saga k-%d (reason: %s)", i, instance.reason()).isEqualTo(i % 7 == 3 ? SagaStatus.COMPENSATED
                        : SagaStatus.COMPLETED);
                }
            }
        }
    }
}
