package dev.eventline.jdbc.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStoreException;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.testing.PostgresTestServer;
import dev.eventline.jdbc.testing.TestThreads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * F-1 of RELIABILITY.md: the whole PostgreSQL server (postmaster and every backend) is killed with SIGKILL in the
 * middle of batches of 10 to 50 events written by 8 writers, then restarted on the same data directory with
 * {@code fsync=on} and {@code synchronous_commit=on} (crash recovery). After every restart: each append that was
 * acknowledged is there; each append whose outcome is unknown (its call failed) is there whole or not at all, and
 * retrying it with the same ids stores it exactly once; versions stay contiguous; a subscriber tailing
 * {@code readAll} resumes from its cursor and ends with exactly the log; the same store and pool work again
 * without restarting the application.
 * <p>
 * CI: K = 10 kills (the plan's size; about 3 s per cycle, mostly crash recovery); extended: K = 200.
 */
@Tag("slow")
class ServerKillTest {

    /** Kills of the server: the plan's CI size, and its extended size. */
    private static final int KILLS = Sizes.of("eventline.f1.kills", 10, 200);
    private static final int WRITERS = 8;
    private static final int STREAMS_PER_WRITER = 4;

    /** What one writer did: its acknowledged and unknown appends, and the model of its streams. */
    private static final class Writer {
        final Map<String, List<UUID>> streams = new HashMap<>();
        final List<List<UUID>> acknowledged = new ArrayList<>();
        /** The append whose call failed, held until the main thread has checked it is all or none. */
        volatile Pending pending;
        final Semaphore resume = new Semaphore(0);
        long unknown;
        long staleRetries;
    }

    private record Pending(String stream, ExpectedVersion expected, long version, List<EventData> batch) {
    }

    @Test
    void killed_servers_lose_no_acknowledged_append_and_never_keep_part_of_a_batch(@TempDir Path data)
        throws Exception {
        PostgresTestServer server = PostgresTestServer.startDurable(data);
        try {
            // given: 8 writers and a subscriber on one store, through one pool that outlives every kill
            HikariDataSource pool = server.newSchema(WRITERS + 2);
            pool.setConnectionTimeout(1_000);
            JdbcEventStore store = JdbcEventStore.builder(pool).dialect(Dialect.postgres()).build();
            store.createSchema();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicBoolean down = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Writer> writers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                Writer writer = new Writer();
                writers.add(writer);
                int index = w;
                threads.add(TestThreads.start("f1-writer-" + w, failures,
                    () -> write(store, index, writer, running, down)));
            }
            Subscriber subscriber = new Subscriber(store);
            AtomicBoolean following = new AtomicBoolean(true);
            Thread subscriberThread = TestThreads.start("f1-subscriber", failures,
                () -> subscriber.follow(following));
            long began = System.nanoTime();
            Random random = new Random(11);
            long unknownAll = 0;
            long unknownPresent = 0;
            long recoveryNanos = 0;
            // when: K times, the server is killed mid-flight and restarted on the same data directory
            for (int k = 0; k < KILLS && failures.isEmpty(); k++) {
                Thread.sleep(300 + random.nextInt(500));
                down.set(true);
                server.kill();
                // every writer's next call fails: wait until each one holds its unknown append
                awaitAllPending(writers, threads, failures, k);
                long restarting = System.nanoTime();
                server.start();
                recoveryNanos += System.nanoTime() - restarting;
                // then: each unknown append is all or none (checked before anyone retries it)
                for (Writer writer : writers) {
                    Pending pending = writer.pending;
                    if (pending == null) {
                        continue;
                    }
                    long present = presentCount(store, pending);
                    assertThat(present).as("events of an unknown batch of %d present after the crash",
                        pending.batch().size()).isIn(0L, (long) pending.batch().size());
                    unknownAll++;
                    if (present > 0) {
                        unknownPresent++;
                    }
                }
                down.set(false);
                for (Writer writer : writers) {
                    // cleared here, not by the writer: a writer slow to wake must not look pending next cycle
                    if (writer.pending != null) {
                        writer.pending = null;
                        writer.resume.release();
                    }
                }
            }
            Thread.sleep(300);
            running.set(false);
            for (Thread thread : threads) {
                thread.join(60_000);
                assertThat(thread.isAlive()).as(thread.getName() + " still running").isFalse();
            }
            following.set(false);
            subscriberThread.join(60_000);
            assertThat(subscriberThread.isAlive()).isFalse();
            assertThat(failures).isEmpty();
            // then: every acknowledged append, each exactly once, versions contiguous, the subscriber converged
            List<RecordedEvent> log = store.readAll(LogPosition.START).toList();
            Set<UUID> stored = new HashSet<>();
            log.forEach(e -> assertThat(stored.add(e.eventId())).as("event %s once", e.eventId()).isTrue());
            long acknowledgedEvents = 0;
            for (Writer writer : writers) {
                for (List<UUID> batch : writer.acknowledged) {
                    // a plain set lookup: AssertJ's containsAll is quadratic over ~40,000 events
                    assertThat(stored.containsAll(batch)).as("acknowledged batch %s stored", batch).isTrue();
                    acknowledgedEvents += batch.size();
                }
                for (Map.Entry<String, List<UUID>> stream : writer.streams.entrySet()) {
                    List<RecordedEvent> events = store.readStream(stream.getKey()).toList();
                    // list equality, not containsExactlyElementsOf: AssertJ's diff behind it is quadratic, and
                    // after the extended run's 200 kills it ran for many minutes over ~700,000 events
                    assertThat(events.stream().map(RecordedEvent::eventId).toList()).as("stream %s", stream.getKey())
                        .isEqualTo(stream.getValue());
                    for (int i = 0; i < events.size(); i++) {
                        assertThat(events.get(i).version()).isEqualTo(i + 1);
                    }
                }
            }
            assertThat((long) log.size()).isEqualTo(acknowledgedEvents);
            assertThat(subscriber.seen).as("the subscriber's events, in log order")
                .isEqualTo(log.stream().map(RecordedEvent::eventId).toList());
            assertThat(store.verifyAll().valid()).isTrue();
            long unknownRetried = writers.stream().mapToLong(w -> w.unknown).sum();
            Sizes.report("F-1", KILLS + " SIGKILLs of the postmaster and its backends (fsync=on, "
                + "synchronous_commit=on), " + writers.stream().mapToLong(w -> w.acknowledged.size()).sum()
                + " logical appends of 10-50 events (" + log.size() + " events) written and checked, "
                + unknownAll + " unknown outcomes (" + unknownPresent + " had committed, all whole), "
                + unknownRetried + " retried with the same ids, " + subscriber.failedPolls.get()
                + " subscriber polls failed and resumed, restarts with crash recovery took "
                + recoveryNanos / 1_000_000 / KILLS + " ms on average; 0 lost, 0 duplicated, 0 partial, 0 reordered, "
                + (System.nanoTime() - began) / 1_000_000 + " ms");
            assertThat(unknownAll).as("kills hit writers mid-flight").isPositive();
            assertThat(subscriber.failedPolls.get()).as("the subscriber felt the kills").isPositive();
        } finally {
            server.close();
        }
    }

    private static void write(JdbcEventStore store, int index, Writer writer, AtomicBoolean running,
                              AtomicBoolean down) {
        Random random = new Random(1_000 + index);
        while (running.get()) {
            String stream = "f1-w" + index + "-s" + random.nextInt(STREAMS_PER_WRITER);
            List<UUID> model = writer.streams.computeIfAbsent(stream, s -> new ArrayList<>());
            List<EventData> batch = new ArrayList<>();
            int size = 10 + random.nextInt(41);
            for (int i = 0; i < size; i++) {
                batch.add(EventData.of("Written", "{\"stream\":\"" + stream + "\",\"i\":" + i + "}"));
            }
            ExpectedVersion expected = random.nextBoolean() ? ExpectedVersion.exactly(model.size())
                : ExpectedVersion.any();
            Pending attempt = new Pending(stream, expected, model.size(), batch);
            while (true) {
                try {
                    AppendResult result = store.append(stream, expected, batch);
                    assertThat(result.previousVersion()).as("append to %s", stream).isEqualTo(attempt.version());
                    assertThat(result.events()).extracting(RecordedEvent::eventId)
                        .containsExactlyElementsOf(ids(batch));
                    model.addAll(ids(batch));
                    writer.acknowledged.add(ids(batch));
                    break;
                } catch (EventStoreException e) {
                    assertThat(e.isRetryable()).as("a crash is a transient failure: %s", e).isTrue();
                    if (!down.get()) {
                        // a connection broken by an earlier kill: nothing reached the server, retry at once
                        writer.staleRetries++;
                        TestThreads.sleep(20);
                        continue;
                    }
                    // the server is down: hold the unknown append until it is back and the batch was checked
                    writer.unknown++;
                    writer.pending = attempt;
                    acquire(writer.resume);
                }
            }
        }
    }

    /**
     * Waits up to 30 s until every writer holds its unknown append (or a thread failed). A writer that does not
     * fail after the server was killed is a hang worth seeing: the message carries every writer's state and the
     * stacks of the test's threads.
     */
    private static void awaitAllPending(List<Writer> writers, List<Thread> threads,
                                        ConcurrentLinkedQueue<Throwable> failures, int kill) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (failures.isEmpty() && !writers.stream().allMatch(w -> w.pending != null)) {
            if (System.nanoTime() - deadline > 0) {
                StringBuilder dump = new StringBuilder("kill " + (kill + 1) + ": not every writer failed within "
                    + "30 s of the server's death");
                for (int w = 0; w < writers.size(); w++) {
                    Thread thread = threads.get(w);
                    dump.append("\n  writer ").append(w).append(" pending=").append(writers.get(w).pending != null)
                        .append(' ').append(thread.getState());
                    for (StackTraceElement frame : thread.getStackTrace()) {
                        dump.append("\n    at ").append(frame);
                    }
                }
                throw new AssertionError(dump.toString());
            }
            TestThreads.sleep(20);
        }
    }

    private static long presentCount(JdbcEventStore store, Pending pending) {
        Set<UUID> ids = new HashSet<>(ids(pending.batch()));
        for (int attempt = 1; ; attempt++) {
            try {
                return store.readStream(pending.stream()).filter(e -> ids.contains(e.eventId())).count();
            } catch (EventStoreException e) {
                // the pool may still be backing off from its failed connects while the server was down
                assertThat(e.isRetryable()).as("%s", e).isTrue();
                if (attempt == 100) {
                    throw e;
                }
                TestThreads.sleep(100);
            }
        }
    }

    /** A subscriber tailing readAll that keeps its cursor across failed polls, as an application's would. */
    private static final class Subscriber {
        final JdbcEventStore store;
        final List<UUID> seen = new ArrayList<>();
        final AtomicLong failedPolls = new AtomicLong();

        Subscriber(JdbcEventStore store) {
            this.store = store;
        }

        void follow(AtomicBoolean running) {
            LogPosition cursor = LogPosition.START;
            while (true) {
                boolean last = !running.get();
                List<RecordedEvent> page;
                try {
                    page = store.readAll(cursor, 500);
                } catch (EventStoreException e) {
                    assertThat(e.isRetryable()).as("%s", e).isTrue();
                    failedPolls.incrementAndGet();
                    TestThreads.sleep(50);
                    continue;
                }
                for (RecordedEvent event : page) {
                    assertThat(event.position().isAfter(cursor)).isTrue();
                    seen.add(event.eventId());
                    cursor = event.position();
                }
                if (page.isEmpty()) {
                    if (last) {
                        return;
                    }
                    TestThreads.sleep(10);
                }
            }
        }
    }

    private static List<UUID> ids(List<EventData> batch) {
        return batch.stream().map(EventData::eventId).toList();
    }

    private static void acquire(Semaphore semaphore) {
        try {
            if (!semaphore.tryAcquire(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never resumed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
