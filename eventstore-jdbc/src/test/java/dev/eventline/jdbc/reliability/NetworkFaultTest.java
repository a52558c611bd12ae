package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * F-4 of RELIABILITY.md: the network between the pool and PostgreSQL blackholes (2 s), resets connections, and adds
 * 200 ms of latency, while two writers append and retry with the same event ids. No call may hang past the
 * configured timeouts, the pool must recover by itself, and nothing may be lost or stored twice.
 * <p>
 * CI: 10 blackhole cycles of 2 s (the plan says 20: halved so that the whole {@code ./mvnw -B verify} stays well
 * under 15 minutes on JDK 25), each followed by a reset of every connection, then 2 s of
 * 200 ms latency and 2 s of resets every 16 KiB; extended: 100 cycles with 5 s blackholes.
 */
@Tag("slow")
class NetworkFaultTest {

    private static final int CYCLES = Sizes.of(10, 100);
    private static final long BLACKHOLE_MILLIS = Sizes.of(2_000, 5_000);
    private static final int WRITERS = 2;
    /**
     * The longest a single call may take: a pool wait, then the append's statements and the id probe each bounded
     * by the socket timeout, with room for a loaded machine. A hang would exceed it by far.
     */
    private static final Duration NO_HANG_BOUND = ProxiedPostgres.CONNECTION_TIMEOUT.multipliedBy(2)
        .plus(ProxiedPostgres.SOCKET_TIMEOUT.multipliedBy(4)).plusSeconds(10);

    @Test
    void blackholes_resets_and_latency_neither_hang_calls_nor_lose_or_double_appends() throws Exception {
        try (ProxiedPostgres pg = new ProxiedPostgres(4)) {
            // given
            LogPosition start = pg.directStore.headPosition();
            LogicalAppends client = new LogicalAppends(pg.store, 200, 50);
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread thread = new Thread(() -> {
                    Random random = new Random(writer);
                    try {
                        while (running.get()) {
                            client.append("f4-" + writer + "-" + random.nextInt(10), 1 + random.nextInt(5),
                                random.nextBoolean(), () -> { });
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }, "f4-writer-" + w);
                thread.start();
                writers.add(thread);
            }
            long began = System.nanoTime();
            // when
            int blackholes = 0;
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                Thread.sleep(300);
                pg.proxy.blackhole(BLACKHOLE_MILLIS);
                blackholes++;
                Thread.sleep(BLACKHOLE_MILLIS + 300);
                pg.proxy.resetAll();
            }
            pg.proxy.latency(200);
            Thread.sleep(2_000);
            pg.proxy.latency(0);
            pg.proxy.resetEveryBytes(16 * 1024);
            Thread.sleep(2_000);
            pg.proxy.resetEveryBytes(0);
            long acknowledgedBeforeCalm = client.acknowledged();
            // the pool recovers by itself: appends are acknowledged again once the network is calm
            await().atMost(Duration.ofSeconds(60)).until(() -> client.acknowledged() > acknowledgedBeforeCalm + 3
                || !failures.isEmpty());
            running.set(false);
            for (Thread thread : writers) {
                thread.join(NO_HANG_BOUND.multipliedBy(3).toMillis());
                assertThat(thread.isAlive()).as("writer %s still running", thread.getName()).isFalse();
            }
            // then
            assertThat(failures).isEmpty();
            long checked = client.verify(pg.directStore, start);
            AppendResult after = pg.store.append("f4-after", ExpectedVersion.noStream(),
                List.of(EventData.of("Step", "{}")));
            assertThat(after.currentVersion()).as("the pool recovered without a restart").isEqualTo(1);
            Sizes.report("F-4", client.acknowledged() + " logical appends, " + checked + " events written and "
                + "checked, " + blackholes + " blackholes of " + BLACKHOLE_MILLIS + " ms, " + pg.proxy.resets()
                + " connections reset, " + client.failedCalls() + " failed calls retried, longest call "
                + client.longestCall().toMillis() + " ms, 0 lost, 0 duplicated, 0 reordered, "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThat(client.longestCall()).as("no call hangs past the configured timeouts")
                .isLessThan(NO_HANG_BOUND);
            assertThat(client.failedCalls()).as("the faults were felt").isPositive();
        }
    }
}
