package dev.eventline.jdbc;

import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Writers appending to many streams (sleeping inside their transactions, some rolled back) while readers tail the
 * log: the O-1/O-2 scenario of RELIABILITY.md. Collects what was committed and what each reader saw.
 */
final class ConcurrentLogHarness {

    /** How long a reader may take to catch up after the writers stop (seconds at CI size, minutes extended). */
    private static final Duration CATCH_UP = Duration.ofMinutes(15);

    /** What one tailing reader saw. */
    static final class Tail {
        final List<UUID> seen = new ArrayList<>();
        final Map<String, Long> lastVersionByStream = new HashMap<>();
        long cursorRegressions;
        long versionRegressions;
    }

    final Set<UUID> committed = ConcurrentHashMap.newKeySet();
    final Set<UUID> rolledBack = ConcurrentHashMap.newKeySet();
    final AtomicLong unexpectedErrors = new AtomicLong();
    final java.util.Queue<Throwable> errors = new java.util.concurrent.ConcurrentLinkedQueue<>();
    final Tail tail = new Tail();
    /** The NOTIFY-woken reader's view; empty unless {@link #wokenBy} was called. */
    final Tail woken = new Tail();
    final List<UUID> naiveSeen = new ArrayList<>();
    /** The global position of every committed event, for what the naive reader passed. */
    private final Map<UUID, Long> committedPositions = new ConcurrentHashMap<>();
    /** The naive reader's cursor when it stopped. */
    private volatile long naiveLast;
    /** How often the woken reader woke up for a notification, and how often its fallback poll timed out. */
    final AtomicLong wokenByNotify = new AtomicLong();
    final AtomicLong wokenByTimeout = new AtomicLong();
    private PostgresNotifications notifications;
    private Duration wokenFallback;

    /**
     * Adds a second tailing reader that sleeps until a notification arrives (or {@code fallback} passes) instead of
     * polling every half millisecond.
     */
    void wokenBy(PostgresNotifications source, Duration fallback) {
        this.notifications = source;
        this.wokenFallback = fallback;
    }

    /** Sleeps 0-5 ms inside every transaction and rolls back 5% of them at commit. */
    static void installChaos(CommitHookDataSource dataSource) {
        dataSource.beforeCommit(connection -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            sleepMicros(random.nextInt(5_000));
            if (random.nextInt(100) < 5) {
                throw new SQLException("injected rollback", "40001");
            }
        });
    }

    /**
     * @param store the store under test
     * @param writers writer threads
     * @param streams how many streams they spread over
     * @param duration how long they write
     * @param naiveSource when not null, a naive reader follows {@code global_position > last} with plain SQL on it
     * @param eventsTable the events table's name for the naive reader
     */
    void run(EventStore store, int writers, int streams, Duration duration, DataSource naiveSource,
             String eventsTable) throws InterruptedException {
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        long deadline = System.nanoTime() + duration.toNanos();
        for (int w = 0; w < writers; w++) {
            threads.add(start("writer-" + w, () -> write(store, streams, deadline)));
        }
        Thread reader = start("reader", () -> tail(store, writing, tail, () -> sleepMicros(500)));
        Thread wokenReader = null;
        AutoCloseable subscription = null;
        if (notifications != null) {
            Semaphore wakeUps = new Semaphore(0);
            subscription = notifications.subscribe(wakeUps::release);
            wokenReader = start("woken-reader", () -> tail(store, writing, woken, () -> {
                try {
                    if (wakeUps.tryAcquire(wokenFallback.toMillis(), TimeUnit.MILLISECONDS)) {
                        wakeUps.drainPermits();
                        wokenByNotify.incrementAndGet();
                    } else {
                        wokenByTimeout.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        Thread naive = naiveSource == null ? null
            : start("naive-reader", () -> naiveTail(naiveSource, eventsTable, writing));
        for (Thread thread : threads) {
            thread.join();
        }
        writing.set(false);
        awaitCaughtUp(reader);
        if (wokenReader != null) {
            awaitCaughtUp(wokenReader);
            try {
                subscription.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        if (naive != null) {
            awaitCaughtUp(naive);
        }
    }

    private void write(EventStore store, int streams, long deadline) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (System.nanoTime() < deadline) {
            String stream = "stream-" + random.nextInt(streams);
            List<EventData> batch = new ArrayList<>();
            int size = 1 + random.nextInt(5);
            for (int i = 0; i < size; i++) {
                batch.add(EventData.of("Ticked", "{\"n\":" + i + "}"));
            }
            try {
                AppendResult result = store.append(stream, ExpectedVersion.any(), batch);
                result.events().forEach(event -> {
                    committed.add(event.eventId());
                    committedPositions.put(event.eventId(), event.globalPosition());
                });
            } catch (StorageException e) {
                if (e.getMessage().contains("injected rollback")) {
                    batch.forEach(event -> rolledBack.add(event.eventId()));
                } else {
                    unexpectedErrors.incrementAndGet();
                    errors.add(e);
                }
            } catch (RuntimeException e) {
                unexpectedErrors.incrementAndGet();
                errors.add(e);
            }
        }
    }

    private static void tail(EventStore store, AtomicBoolean writing, Tail tail, Runnable idle) {
        LogPosition cursor = LogPosition.START;
        while (true) {
            boolean finalPass = !writing.get();
            List<RecordedEvent> page = store.readAll(cursor, 100);
            for (RecordedEvent event : page) {
                if (!event.position().isAfter(cursor)) {
                    tail.cursorRegressions++;
                }
                Long last = tail.lastVersionByStream.put(event.streamId(), event.version());
                if (last != null && last >= event.version()) {
                    tail.versionRegressions++;
                }
                tail.seen.add(event.eventId());
                cursor = event.position();
            }
            if (page.isEmpty()) {
                if (finalPass) {
                    return;
                }
                idle.run();
            }
        }
    }

    private void naiveTail(DataSource dataSource, String eventsTable, AtomicBoolean writing) {
        long last = 0;
        String sql = "SELECT global_position, event_id FROM " + eventsTable
            + " WHERE global_position > ? ORDER BY global_position LIMIT 100";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            // It stops when the writers stop: what it skipped lies below its cursor, and catching up on the rest
            // by position alone (a scan per page, no B-tree on the position) took over 15 minutes at the extended
            // size on a loaded machine
            while (writing.get()) {
                statement.setLong(1, last);
                int rows = 0;
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        last = result.getLong(1);
                        naiveSeen.add(result.getObject(2, UUID.class));
                        rows++;
                    }
                }
                if (rows == 0) {
                    sleepMicros(500);
                }
            }
            naiveLast = last;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return the committed events the naive reader passed without seeing: below its cursor when it stopped, never
     *     read (after {@link #run} returned)
     */
    Set<UUID> skippedByNaive() {
        Set<UUID> skipped = new HashSet<>();
        committedPositions.forEach((id, position) -> {
            if (position <= naiveLast) {
                skipped.add(id);
            }
        });
        naiveSeen.forEach(skipped::remove);
        return skipped;
    }

    /**
     * Waits for a reader to reach the end of the log after the writers stopped. A reader that fell far behind (the
     * extended sizes write millions of events on a loaded machine) may need minutes; one still reading after
     * {@link #CATCH_UP} fails the run instead of leaving its list to be read while it still grows.
     */
    private static void awaitCaughtUp(Thread reader) throws InterruptedException {
        reader.join(CATCH_UP.toMillis());
        if (reader.isAlive()) {
            throw new IllegalStateException("the " + reader.getName() + " was still catching up " + CATCH_UP
                + " after the writers stopped; give it more time or fewer events");
        }
    }

    static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    static void sleepMicros(long micros) {
        try {
            TimeUnit.MICROSECONDS.sleep(micros);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
