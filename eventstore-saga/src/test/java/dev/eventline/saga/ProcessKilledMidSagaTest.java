package dev.eventline.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import dev.eventline.projections.CheckpointStore;
import dev.eventline.projections.JdbcCheckpointStore;
import dev.eventline.projections.ProjectionRunner;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * RELIABILITY F-5: kill -9 the application JVM (a child process running the transfer sagas and a JDBC read-model
 * projection on PostgreSQL) K times at random points, mid-projection and mid-saga, restarting it each time; then
 * let an application finish. Afterwards the read model equals a fold of all events (its {@code bank_applied} key
 * refuses a double application), every saga is final, and each saga step was applied exactly once: no withdrawal
 * or deposit is missing or doubled.
 * <p>
 * Sizes: K = {@value #CI_KILLS} in CI (the plan's size), {@value #EXTENDED_KILLS} with {@code -Pextended}. Each
 * cycle costs one child JVM start (about 1 s idle, 2-3 s on the loaded CI machine), which is most of this test's
 * time; the child is started with a JIT limited to C1 to keep that short.
 */
@Tag("slow")
class ProcessKilledMidSagaTest {

    static final int CI_KILLS = 20;
    static final int EXTENDED_KILLS = 500;
    private static final boolean EXTENDED = Boolean.getBoolean("eventline.extended");
    /** {@code -Deventline.f5.kills=K} runs an intermediate size (reported as partial when below the extended one). */
    private static final int KILLS = Integer.getInteger("eventline.f5.kills", EXTENDED ? EXTENDED_KILLS : CI_KILLS);
    private static final int TRANSFERS_PER_CYCLE = 6;
    private static final int ACCOUNTS = 6;
    /** Enough that no withdrawal is refused, whatever the order: at most 10 per transfer. */
    private static final long OPENING_BALANCE = 10L * EXTENDED_KILLS * TRANSFERS_PER_CYCLE / ACCOUNTS * 2;

    /** The transfer saga with a timeout longer than any run (the usual one minute would fire during the kills). */
    static final SagaType<TransferSagas.Transfer> SAGA = TransferSagas.transfer(Duration.ofDays(1));

    static TransferSagas.Transfer transfer(int i, int accounts) {
        if (i % 7 == 3) {
            return new TransferSagas.Transfer("acc-" + (i % accounts), "closed", 5);
        }
        return new TransferSagas.Transfer("acc-" + (i % accounts), "acc-" + ((i + 1 + i / accounts) % accounts),
            1 + (i * 13) % 10);
    }

    @Test
    void an_application_killed_mid_projection_and_mid_saga_loses_and_doubles_nothing() throws Exception {
        // given
        long began = System.nanoTime();
        PostgresTestServer server = PostgresTestServer.shared();
        String schema = "saga_kill_" + Long.toHexString(System.nanoTime());
        try (Connection connection = server.connect(); Statement statement = connection.createStatement()) {
            statement.execute("create schema " + schema);
        }
        HikariDataSource pool = server.dataSource(schema, 3);
        try (JdbcEventStore store = JdbcEventStore.builder(server.jdbcUrl(), server.user(), server.password())
                .schema(schema).dialect(Dialect.postgres()).build()) {
            store.createSchema();
            JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(pool);
            checkpoints.createSchema();
            var bank = new EventSourcedBank(store);
            for (int i = 0; i < ACCOUNTS; i++) {
                bank.open("acc-" + i, OPENING_BALANCE);
            }
            bank.open("closed", 0);
            bank.close("closed");
            // when: the application is killed K times, each time a random 50-400 ms after it started its work
            var random = new Random(7);
            int killsWithProjectionBehind = 0;
            int killsWithSagasOpen = 0;
            long childStartNanos = 0;
            for (int cycle = 0; cycle < KILLS; cycle++) {
                long starting = System.nanoTime();
                Process child = startChild(server, schema, cycle);
                childStartNanos += System.nanoTime() - starting;
                Thread.sleep(50 + random.nextInt(350));
                child.destroyForcibly();
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                LogPosition head = store.headPosition();
                if (checkpoints.load(BankReadModel.NAME).compareTo(head) < 0) {
                    killsWithProjectionBehind++;
                }
                if (openSagas(store, (cycle + 1) * TRANSFERS_PER_CYCLE) > 0) {
                    killsWithSagasOpen++;
                }
            }
            // then: a last application finishes every saga and the projection catches up
            int transfers = KILLS * TRANSFERS_PER_CYCLE;
            List<SagaInstance> sagas = new ArrayList<>();
            try (SagaRunner runner = SagaRunner.builder(store, bank).register(SAGA)
                    .pollInterval(Duration.ofMillis(20)).build()) {
                runner.start();
                for (int n = 0; n < transfers; n++) {
                    // a saga whose start the kill interrupted is started now (starting is idempotent per id)
                    runner.startSaga(SAGA, "k-" + n, transfer(n, ACCOUNTS));
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> runner.isCaughtUp()
                    && runner.list(SAGA.name()).size() == transfers
                    && runner.list(SAGA.name()).stream().allMatch(s -> s.status().isFinal()));
                for (int n = 0; n < transfers; n++) {
                    sagas.add(runner.find("k-" + n).orElseThrow());
                }
            }
            LogPosition head = store.headPosition();
            try (ProjectionRunner projections = ProjectionRunner.builder(store).checkpoints(checkpoints)
                    .leaseTimeout(SagaKillChild.LEASE).pollInterval(Duration.ofMillis(20))
                    .register(BankReadModel.projection(Duration.ZERO)).build()) {
                projections.start();
                assertThat(projections.awaitPosition(BankReadModel.NAME, head, Duration.ofSeconds(60))).isTrue();
                // each saga step applied exactly once: per saga, one withdrawal, and one deposit (to the target
                // when completed, the refund to the source when compensated)
                Map<String, List<RecordedEvent>> bySaga = new HashMap<>();
                Map<String, Long> fold = new TreeMap<>();
                long bankEvents = 0;
                try (var all = store.readAll(LogPosition.START)) {
                    for (RecordedEvent event : (Iterable<RecordedEvent>) all::iterator) {
                        if (BankReadModel.TYPES.contains(event.type())) {
                            bankEvents++;
                            fold.merge(event.streamId(), EventSourcedBank.signedAmount(event), Long::sum);
                            if (!event.type().equals("AccountOpened")) {
                                bySaga.computeIfAbsent(event.metadata().correlationId(), k -> new ArrayList<>())
                                    .add(event);
                            }
                        }
                    }
                }
                int compensated = 0;
                for (int n = 0; n < transfers; n++) {
                    SagaInstance instance = sagas.get(n);
                    var t = transfer(n, ACCOUNTS);
                    List<RecordedEvent> steps = bySaga.getOrDefault("k-" + n, List.of());
                    boolean toClosed = n % 7 == 3;
                    assertThat(instance.status()).as("saga k-%d (reason: %s)", n, instance.reason())
                        .isEqualTo(toClosed ? SagaStatus.COMPENSATED : SagaStatus.COMPLETED);
                    compensated += toClosed ? 1 : 0;
                    assertThat(steps).as("steps of saga k-%d", n)
                        .extracting(e -> e.type() + " " + e.streamId() + " " + EventSourcedBank.signedAmount(e))
                        .containsExactlyInAnyOrder("Withdrawn account-" + t.from() + " " + -t.amount(),
                            "Deposited account-" + (toClosed ? t.from() : t.to()) + " " + t.amount());
                }
                // the read model equals a fold of all events, each applied once
                assertThat(BankReadModel.balances(pool)).isEqualTo(fold);
                assertThat(BankReadModel.applied(pool)).isEqualTo(bankEvents);
                assertThat(checkpoints.load(BankReadModel.NAME)).isEqualTo(head);
                long total = fold.values().stream().mapToLong(Long::longValue).sum();
                assertThat(total).isEqualTo(OPENING_BALANCE * ACCOUNTS);
                System.out.printf("[reliability] F-5 (%s): %d application JVMs killed with SIGKILL (%d with the "
                        + "projection behind the head, %d with sagas unfinished); %d sagas (%d completed, %d "
                        + "compensated), %d bank events folded and compared with the read model; 0 steps lost, 0 "
                        + "doubled, 0 events applied twice; money conserved; child start to work %.1f s on average; "
                        + "%.1f s%n",
                    !EXTENDED ? "ci"
                        : KILLS < EXTENDED_KILLS ? "partial extended run: K=" + KILLS + " of " + EXTENDED_KILLS
                        : "extended", KILLS, killsWithProjectionBehind, killsWithSagasOpen,
                    transfers, transfers - compensated, compensated, bankEvents, childStartNanos / 1e9 / KILLS,
                    (System.nanoTime() - began) / 1e9);
                assertThat(killsWithProjectionBehind + killsWithSagasOpen).isPositive();
            }
        } finally {
            pool.close();
        }
    }

    private static Process startChild(PostgresTestServer server, String schema, int cycle) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss512k",
            "-cp", System.getProperty("java.class.path"), SagaKillChild.class.getName(), server.jdbcUrl(),
            String.valueOf(server.user()), String.valueOf(server.password()), schema, String.valueOf(cycle),
            String.valueOf(TRANSFERS_PER_CYCLE), String.valueOf(ACCOUNTS))
            .redirectErrorStream(true).start();
        var output = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = output.readLine()) != null && !line.equals("started")) {
            seen.append(line).append('\n');
        }
        if (line == null) {
            throw new AssertionError("the application JVM ended before starting its work:\n" + seen);
        }
        Thread drain = new Thread(() -> {
            try {
                output.transferTo(java.io.Writer.nullWriter());
            } catch (java.io.IOException e) {
                // the child was killed: its output ends here
            }
        });
        drain.setDaemon(true);
        drain.start();
        return child;
    }

    /** @return how many of the first {@code started} transfers do not have both of their money movements yet */
    private static long openSagas(JdbcEventStore store, int started) {
        Map<String, Integer> movements = new HashMap<>();
        try (var all = store.readAll(LogPosition.START)) {
            all.filter(e -> e.type().equals("Withdrawn") || e.type().equals("Deposited"))
                .forEach(e -> movements.merge(String.valueOf(e.metadata().correlationId()), 1, Integer::sum));
        }
        long open = 0;
        for (int n = 0; n < started; n++) {
            if (movements.getOrDefault("k-" + n, 0) < 2) {
                open++;
            }
        }
        return open;
    }
}
