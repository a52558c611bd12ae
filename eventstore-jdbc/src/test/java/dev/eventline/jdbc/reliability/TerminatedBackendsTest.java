package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.LogPosition;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * F-2 of RELIABILITY.md for writers: {@code pg_terminate_backend} hits the writers' connections again and again
 * while they append batches of 1 to 50 events; every acknowledged append is stored once, no batch is partial, and
 * retries with the same ids make unknown outcomes exactly once.
 * <p>
 * CI: K = 50 terminations; extended: K = 1,000.
 */
@Tag("slow")
class TerminatedBackendsTest {

    private static final int TERMINATIONS = Sizes.of(50, 1_000);
    private static final int WRITERS = 3;

    @Test
    void writers_whose_backends_are_terminated_lose_nothing_and_store_nothing_twice() throws Exception {
        try (ProxiedPostgres pg = new ProxiedPostgres(WRITERS)) {
            // given
            LogPosition start = pg.directStore.headPosition();
            LogicalAppends client = new LogicalAppends(pg.store, 100, 5);
            AtomicBoolean running = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                Thread thread = new Thread(() -> {
                    Random random = new Random(100 + writer);
                    try {
                        while (running.get()) {
                            client.append("f2-" + writer + "-" + random.nextInt(8), 1 + random.nextInt(50),
                                random.nextBoolean(), () -> { });
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }, "f2-writer-" + w);
                thread.start();
                writers.add(thread);
            }
            long began = System.nanoTime();
            // when
            int terminated = 0;
            Random random = new Random(7);
            try (Connection admin = pg.direct.getConnection();
                 PreparedStatement terminate = admin.prepareStatement("SELECT count(*) FILTER (WHERE "
                     + "pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = ? AND pid IN ("
                     + "SELECT pid FROM pg_stat_activity WHERE application_name = ? ORDER BY random() LIMIT 1)")) {
                terminate.setString(1, pg.applicationName());
                terminate.setString(2, pg.applicationName());
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(
                    Sizes.of(120, 3_600));
                while (terminated < TERMINATIONS && failures.isEmpty() && System.nanoTime() - deadline < 0) {
                    Thread.sleep(20 + random.nextInt(60));
                    try (ResultSet row = terminate.executeQuery()) {
                        row.next();
                        terminated += row.getInt(1);
                    }
                }
            }
            running.set(false);
            for (Thread thread : writers) {
                thread.join(120_000);
                assertThat(thread.isAlive()).isFalse();
            }
            // then
            assertThat(failures).isEmpty();
            assertThat(terminated).isEqualTo(TERMINATIONS);
            long checked = client.verify(pg.directStore, start);
            Sizes.report("F-2", client.acknowledged() + " logical appends (batches of 1-50), " + checked
                + " events written and checked, " + terminated + " backends terminated, " + client.failedCalls()
                + " failed calls retried, 0 lost, 0 duplicated, 0 partial, 0 reordered, "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThat(client.failedCalls()).as("terminations were felt").isPositive();
        }
    }
}
