package dev.eventline.projections;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.jdbc.JdbcEventStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child JVM of {@link RebuildMemoryTest}: runs one {@link RebuildMode#SHADOW} rebuild in the small heap the
 * parent gives it, then prints its figures ({@code applied=... peakHeap=... oldPeak=... millis=...}) and
 * {@code done}. The parent passes {@code -XX:+ExitOnOutOfMemoryError}, so running out of heap ends the JVM with a
 * non-zero exit code.
 * <p>
 * Arguments: the projection ({@code totals}: per-stream counts and sums, bounded; {@code hoarding}: the same, but it
 * also keeps every event it sees, the control), then the log: {@code postgres <url> <user> <password> <schema>} (a
 * log the parent filled) or {@code synthetic <events>} (an {@link EventStore} view that makes events as they are
 * read, with an in-memory {@link ReadModel} and checkpoint store).
 */
final class RebuildMemoryChild {

    static final String NAME = "stream_totals";
    static final int STREAMS = 1_000;
    static final String TYPE = "MoneyDeposited";
    /** Payloads of about 90 bytes (the digits are the amount's only ones): a million of them alone are 90 MB. */
    static final String MEMO = "a deposit into one of the accounts, with some words as real payloads have";
    /** Counts handled events, across shadow and live copies. */
    static final AtomicLong APPLIED = new AtomicLong();
    /** The largest heap use sampled. */
    private static final AtomicLong PEAK = new AtomicLong();

    private RebuildMemoryChild() {
    }

    public static void main(String[] args) throws Exception {
        sampleHeapInBackground();
        long began = System.nanoTime();
        List<RecordedEvent> kept = args[0].equals("hoarding") ? new ArrayList<>() : null;
        String result = args[1].equals("postgres") ? rebuildOnPostgres(args, kept) : rebuildSynthetic(args, kept);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        System.out.println("applied=" + APPLIED.get() + " peakHeap=" + PEAK.get() + " oldPeak=" + oldGenerationPeak()
            + " maxHeap=" + Runtime.getRuntime().maxMemory() + " millis=" + millis + " cpuMillis=" + cpuMillis() + " kept="
            + (kept == null ? 0 : kept.size()) + " " + result);
        System.out.println("done");
        System.exit(0);
    }

    private static String rebuildOnPostgres(String[] args, List<RecordedEvent> kept) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[2]);
        config.setUsername(args[3]);
        config.setPassword(args[4]);
        config.setMaximumPoolSize(3);
        config.addDataSourceProperty("currentSchema", args[5]);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            JdbcEventStore store = JdbcEventStore.builder(pool).build();
            JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(pool);
            checkpoints.createSchema();
            return rebuild(store, checkpoints, jdbcTotals(kept), null);
        }
    }

    private static String rebuildSynthetic(String[] args, List<RecordedEvent> kept) throws Exception {
        long events = Long.parseLong(args[2]);
        ReadModel<Totals> model = ReadModel.of(() -> new Totals(kept));
        String status = rebuild(new SyntheticLog(events), CheckpointStore.inMemory(), null, model);
        Map<String, long[]> expected = new TreeMap<>();
        for (long i = 1; i <= events; i++) {
            long[] total = expected.computeIfAbsent(streamOf(i), s -> new long[2]);
            total[0]++;
            total[1] += centsOf(i);
        }
        boolean matches = expected.size() == model.current().totals.size();
        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            long[] actual = model.current().totals.get(entry.getKey());
            matches &= actual != null && actual[0] == entry.getValue()[0] && actual[1] == entry.getValue()[1];
        }
        return status + " matches=" + matches;
    }

    /** The live copy starts at the head (it is up to date): only the shadow copy reads the log, from the start. */
    private static String rebuild(EventStore store, CheckpointStore checkpoints, Projection projection,
                                  ReadModel<?> model) throws Exception {
        LogPosition head = store.headPosition();
        checkpoints.inTransaction(tx -> {
            tx.overwrite(NAME, head, 0);
            return null;
        });
        ProjectionRunner.Builder builder = ProjectionRunner.builder(store).checkpoints(checkpoints)
            .pollInterval(Duration.ofMillis(100));
        try (ProjectionRunner runner = projection != null ? builder.register(projection).build()
            : builder.register(model).build()) {
            runner.start();
            ProjectionStatus status = runner.rebuild(NAME, RebuildMode.SHADOW).get(10, TimeUnit.MINUTES);
            return "state=" + status.state() + " position=" + status.position().position();
        }
    }

    /** Per-stream event counts and sums in a table, written with one statement per batch. */
    static Projection jdbcTotals(List<RecordedEvent> kept) {
        return new Projection() {
            @Override
            public String name() {
                return NAME;
            }

            @Override
            public Set<String> eventTypes() {
                return Set.of(TYPE);
            }

            @Override
            public Set<String> tables() {
                return Set.of("stream_total");
            }

            @Override
            public void setUp(ProjectionContext context) throws Exception {
                try (Statement statement = context.connection().createStatement()) {
                    statement.execute("CREATE TABLE IF NOT EXISTS " + context.table("stream_total")
                        + " (stream_id text PRIMARY KEY, events bigint NOT NULL, cents bigint NOT NULL)");
                }
            }

            @Override
            public void handle(RecordedEvent event, ProjectionContext context) throws Exception {
                handleBatch(List.of(event), context);
            }

            @Override
            public void handleBatch(List<RecordedEvent> events, ProjectionContext context) throws Exception {
                Map<String, long[]> deltas = new HashMap<>();
                for (RecordedEvent event : events) {
                    if (kept != null) {
                        kept.add(event);
                    }
                    long[] delta = deltas.computeIfAbsent(event.streamId(), s -> new long[2]);
                    delta[0]++;
                    delta[1] += centsOf(event.payload());
                }
                String table = context.table("stream_total");
                String[] ids = new String[deltas.size()];
                Long[] counts = new Long[ids.length];
                Long[] cents = new Long[ids.length];
                int i = 0;
                for (Map.Entry<String, long[]> delta : deltas.entrySet()) {
                    ids[i] = delta.getKey();
                    counts[i] = delta.getValue()[0];
                    cents[i++] = delta.getValue()[1];
                }
                Connection connection = context.connection();
                try (PreparedStatement upsert = connection.prepareStatement("INSERT INTO " + table
                    + " (stream_id, events, cents) SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[]) "
                    + "ON CONFLICT (stream_id) DO UPDATE SET events = " + table + ".events + excluded.events, "
                    + "cents = " + table + ".cents + excluded.cents")) {
                    upsert.setArray(1, connection.createArrayOf("text", ids));
                    upsert.setArray(2, connection.createArrayOf("bigint", counts));
                    upsert.setArray(3, connection.createArrayOf("bigint", cents));
                    upsert.executeUpdate();
                }
                APPLIED.addAndGet(events.size());
            }
        };
    }

    /** The in-memory read model: per-stream counts and sums. */
    static final class Totals implements Projection {
        final Map<String, long[]> totals = new HashMap<>();
        private final List<RecordedEvent> kept;

        Totals(List<RecordedEvent> kept) {
            this.kept = kept;
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Set<String> eventTypes() {
            return Set.of(TYPE);
        }

        @Override
        public void handle(RecordedEvent event, ProjectionContext context) {
            if (kept != null) {
                kept.add(event);
            }
            long[] total = totals.computeIfAbsent(event.streamId(), s -> new long[2]);
            total[0]++;
            total[1] += centsOf(event.payload());
            APPLIED.incrementAndGet();
        }
    }

    /**
     * A log of {@code events} deposits made as they are read: event {@code i} (1-based) is at position {@code i},
     * in stream {@link #streamOf}, with {@link #centsOf} cents. Only what a projection runner reads is supported.
     */
    static final class SyntheticLog implements EventStore {
        private static final Instant RECORDED = Instant.parse("2026-01-01T00:00:00Z");
        private final long events;

        SyntheticLog(long events) {
            this.events = events;
        }

        @Override
        public List<RecordedEvent> readAll(LogPosition after, int maxCount) {
            List<RecordedEvent> page = new ArrayList<>(maxCount);
            for (long i = after.position() + 1; i <= events && page.size() < maxCount; i++) {
                page.add(new RecordedEvent(new UUID(0, i), streamOf(i), (i - 1) / STREAMS + 1, LogPosition.of(i),
                    RECORDED, TYPE, 1, payload(i), EventMetadata.empty(), "0"));
            }
            return page;
        }

        @Override
        public LogPosition headPosition() {
            return LogPosition.of(events);
        }

        @Override
        public dev.eventline.core.AppendResult append(String streamId, dev.eventline.core.ExpectedVersion expected,
                                                      List<dev.eventline.core.EventData> data) {
            throw new UnsupportedOperationException("a synthetic log is read only");
        }

        @Override
        public java.util.stream.Stream<RecordedEvent> readStream(String streamId,
                                                                 dev.eventline.core.ReadDirection direction,
                                                                 long fromVersion, long maxCount) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public java.util.stream.Stream<RecordedEvent> readStreamBetween(String streamId, Instant from, Instant to) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public java.util.stream.Stream<RecordedEvent> readAllBetween(Instant from, Instant to) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public long streamVersion(String streamId) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public dev.eventline.core.integrity.IntegrityReport verify(String streamId) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public dev.eventline.core.integrity.IntegrityReport verify(String streamId, long expectedVersion,
                                                                   String expectedChecksum) {
            throw new UnsupportedOperationException("not needed by the runner");
        }

        @Override
        public dev.eventline.core.integrity.IntegrityReport verifyAll() {
            throw new UnsupportedOperationException("not needed by the runner");
        }
    }

    /** The same stream and amount as the parent's SQL fill: event {@code i} is in stream {@code s-(i % 1000)}. */
    static String streamOf(long i) {
        return "s-" + (i % STREAMS);
    }

    static long centsOf(long i) {
        return i % 997;
    }

    static byte[] payload(long i) {
        return ("{\"cents\":" + centsOf(i) + ",\"memo\":\"" + MEMO + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** @return the amount: the payload's only digits */
    static long centsOf(byte[] payload) {
        long cents = 0;
        for (byte b : payload) {
            if (b >= '0' && b <= '9') {
                cents = cents * 10 + (b - '0');
            }
        }
        return cents;
    }

    /** Samples the heap in use every 2 ms on a daemon thread, keeping the largest value in {@link #PEAK}. */
    private static void sampleHeapInBackground() {
        var memory = ManagementFactory.getMemoryMXBean();
        Thread sampler = new Thread(() -> {
            while (true) {
                PEAK.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** @return the CPU time this JVM used so far, in ms (on a loaded machine the wall time says little) */
    private static long cpuMillis() {
        return ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
    }

    /** @return the old generation's peak use: what survived collections, i.e. what the run retained */
    private static long oldGenerationPeak() {
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && (pool.getName().contains("Old")
                || pool.getName().contains("Tenured"))) {
                peak = Math.max(peak, pool.getPeakUsage().getUsed());
            }
        }
        return peak;
    }
}
