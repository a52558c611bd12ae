package dev.eventline.core.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.eventline.core.AppendResult;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.ReadDirection;
import dev.eventline.core.RecordedEvent;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * A stateful model test (M-1 of RELIABILITY.md): random sequences of appends (with every kind of expected
 * version, right and wrong), retried batches, stream reads in both directions, log pages and version queries,
 * run against the store under test and against a trivial model (a list of events per stream and one list for the
 * log). Every result and every error must match the model's. jqwik shrinks a failing sequence to a short one.
 * <p>
 * A store's test class extends this class (name it {@code …Properties} so Surefire runs it) and implements
 * {@link #newStore(InstantSource)}. One store serves every try of the property; each try uses its own stream
 * names and reads the log only from where the try started, so a database store needs one schema, not one per try.
 * Requires {@code net.jqwik:jqwik} on the test classpath.
 *
 * @since 0.1
 */
public abstract class EventStoreModelContract {

    private static final int STREAMS = 3;
    /** Tries per run in {@code ./mvnw verify}: the plan's CI size. */
    public static final int TRIES = 500;
    /** Tries per run with {@code -Deventline.extended=true}. */
    public static final int EXTENDED_TRIES = 5_000;
    /** The longest sequence of actions one try runs: the plan's 50. */
    public static final int MAX_ACTIONS = 50;
    /** The system property that selects the extended sizes of the reliability suite. */
    public static final String EXTENDED_PROPERTY = "eventline.extended";

    /** Runs a property only at the CI size (skips it when the extended sizes are asked for). */
    public static final class CiSize implements SkipExecutionHook {
        /** Creates the hook (jqwik instantiates it). */
        public CiSize() {
        }

        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return Boolean.getBoolean(EXTENDED_PROPERTY) ? SkipResult.skip("the extended size runs instead")
                : SkipResult.doNotSkip();
        }
    }

    /** Runs a property only when {@code -Deventline.extended=true} asks for the extended sizes. */
    public static final class ExtendedSize implements SkipExecutionHook {
        /** Creates the hook (jqwik instantiates it). */
        public ExtendedSize() {
        }

        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            return Boolean.getBoolean(EXTENDED_PROPERTY) ? SkipResult.doNotSkip()
                : SkipResult.skip("extended size: run with -Deventline.extended=true (or -Pextended)");
        }
    }

    private MutableClock clock;
    private EventStore store;

    /**
     * @param clock the source of recording times the store must use
     * @return a new, empty store; called once per property, shared by its tries
     */
    protected abstract EventStore newStore(InstantSource clock);

    private EventStore store() {
        if (store == null) {
            clock = new MutableClock(EventStoreContract.T0);
            store = newStore(clock);
        }
        return store;
    }

    @AfterProperty
    void close_the_store() throws Exception {
        if (store instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }

    /** How an append states its expectation, relative to the stream's version in the model. */
    enum Kind { ANY, NO_STREAM, STREAM_EXISTS, EXACT_CURRENT, EXACT_BEHIND, EXACT_AHEAD }

    /** One step of a generated sequence. */
    sealed interface Op {
    }

    record Append(int stream, Kind kind, int count) implements Op {
    }

    record Retry(int batch, Kind kind) implements Op {
    }

    record ReadStream(int stream, ReadDirection direction, long from, long max) implements Op {
    }

    record ReadAll(int after, int max) implements Op {
    }

    record Version(int stream) implements Op {
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> stream = Arbitraries.integers().between(0, STREAMS - 1);
        Arbitrary<Op> append = Combinators.combine(stream, Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, 3)).as(Append::new);
        Arbitrary<Op> retry = Combinators.combine(Arbitraries.integers().between(0, 30), Arbitraries.of(Kind.class))
            .as(Retry::new);
        Arbitrary<Long> from = Arbitraries.longs().between(0, 8).map(v -> v == 8 ? Long.MAX_VALUE : v);
        Arbitrary<Long> max = Arbitraries.longs().between(0, 6).map(v -> v == 6 ? Long.MAX_VALUE : v);
        Arbitrary<Op> read = Combinators.combine(stream, Arbitraries.of(ReadDirection.class), from, max)
            .as(ReadStream::new);
        Arbitrary<Op> readAll = Combinators.combine(Arbitraries.integers().between(0, 40),
            Arbitraries.integers().between(1, 5)).as(ReadAll::new);
        Arbitrary<Op> version = stream.map(Version::new);
        return Arbitraries.frequencyOf(Tuple.of(6, append), Tuple.of(2, retry), Tuple.of(2, read),
            Tuple.of(2, readAll), Tuple.of(1, version)).list().ofMaxSize(MAX_ACTIONS);
    }

    @Property(tries = TRIES)
    @AddLifecycleHook(CiSize.class)
    void the_store_behaves_like_a_list_per_stream_and_one_list_for_the_log(@ForAll("operations") List<Op> ops) {
        check(ops);
    }

    @Property(tries = EXTENDED_TRIES)
    @AddLifecycleHook(ExtendedSize.class)
    void at_the_extended_size_the_store_behaves_like_the_model(@ForAll("operations") List<Op> ops) {
        check(ops);
    }

    private void check(List<Op> ops) {
        EventStore store = store();
        String prefix = "model-" + UUID.randomUUID() + "-";
        LogPosition start = store.headPosition();
        Map<Integer, List<RecordedEvent>> streams = new HashMap<>();
        List<RecordedEvent> log = new ArrayList<>();
        List<Map.Entry<List<EventData>, AppendResult>> batches = new ArrayList<>();

        for (Op op : ops) {
            clock.advance(Duration.ofMillis(1));
            if (op instanceof Append append) {
                List<RecordedEvent> model = streams.computeIfAbsent(append.stream(), k -> new ArrayList<>());
                long current = model.size();
                ExpectedVersion expected = expectation(append.kind(), current);
                List<EventData> events = EventStoreContract.events(append.count());
                boolean allowed = allowed(expected, current);
                Throwable thrown = catchThrowable(() -> {
                    AppendResult result = store.append(prefix + append.stream(), expected, events);
                    assertThat(result.previousVersion()).as("%s", op).isEqualTo(current);
                    assertThat(result.currentVersion()).as("%s", op).isEqualTo(current + events.size());
                    assertThat(result.events()).extracting(RecordedEvent::eventId)
                        .containsExactlyElementsOf(events.stream().map(EventData::eventId).toList());
                    model.addAll(result.events());
                    log.addAll(result.events());
                    if (!events.isEmpty()) {
                        batches.add(Map.entry(events, result));
                    }
                });
                if (allowed) {
                    assertThat(thrown).as("%s at version %s", op, current).isNull();
                } else {
                    assertThat(thrown).as("%s at version %s", op, current)
                        .isInstanceOfSatisfying(ConcurrencyConflictException.class,
                            e -> assertThat(e.actualVersion()).isEqualTo(current));
                }
            } else if (op instanceof Retry retry) {
                if (batches.isEmpty()) {
                    continue;
                }
                Map.Entry<List<EventData>, AppendResult> batch = batches.get(retry.batch() % batches.size());
                String streamId = batch.getValue().streamId();
                long current = store.streamVersion(streamId);
                AppendResult again = store.append(streamId, expectation(retry.kind(), current), batch.getKey());
                assertThat(again).as("%s", op).isEqualTo(batch.getValue());
            } else if (op instanceof ReadStream read) {
                List<RecordedEvent> model = streams.getOrDefault(read.stream(), List.of());
                List<RecordedEvent> expected;
                if (read.direction() == ReadDirection.FORWARDS) {
                    expected = model.stream().filter(e -> e.version() >= read.from()).limit(read.max()).toList();
                } else {
                    List<RecordedEvent> reversed = new ArrayList<>(model);
                    Collections.reverse(reversed);
                    expected = reversed.stream().filter(e -> e.version() <= read.from()).limit(read.max()).toList();
                }
                try (Stream<RecordedEvent> actual = store.readStream(prefix + read.stream(), read.direction(),
                    read.from(), read.max())) {
                    assertThat(actual.toList()).as("%s", op).isEqualTo(expected);
                }
            } else if (op instanceof ReadAll readAll) {
                int afterIndex = readAll.after() % (log.size() + 1);
                LogPosition after = afterIndex == 0 ? start : log.get(afterIndex - 1).position();
                List<RecordedEvent> expected = log.subList(afterIndex, Math.min(log.size(), afterIndex + readAll.max()));
                assertLogRead(() -> store.readAll(after, readAll.max()), expected, op.toString());
            } else if (op instanceof Version version) {
                assertThat(store.streamVersion(prefix + version.stream())).as("%s", op)
                    .isEqualTo(streams.getOrDefault(version.stream(), List.of()).size());
            }
        }

        // then: the whole picture matches, and every chain holds
        for (int s = 0; s < STREAMS; s++) {
            List<RecordedEvent> model = streams.getOrDefault(s, List.of());
            try (Stream<RecordedEvent> actual = store.readStream(prefix + s)) {
                assertThat(actual.toList()).isEqualTo(model);
            }
            assertThat(store.verify(prefix + s).valid()).isTrue();
        }
        assertLogRead(() -> {
            try (Stream<RecordedEvent> actual = store.readAll(start)) {
                return actual.toList();
            }
        }, log, "the whole log");
        LogPosition head = log.isEmpty() ? start : log.get(log.size() - 1).position();
        assertEventually(store::headPosition, head, position -> true, "the head position");
    }

    /**
     * A read of the log equals the model's. A proper prefix is read again for a while first: on PostgreSQL any
     * transaction open in the cluster (another test's, autovacuum's ANALYZE) may hold committed events back
     * for a moment, which the store promises (it never skips them), so only what is still missing after that,
     * or anything that is not a prefix (wrong, doubled or reordered events), fails.
     */
    private static void assertLogRead(Supplier<List<RecordedEvent>> read, List<RecordedEvent> expected,
                                      String what) {
        assertEventually(read, expected, actual -> actual.size() < expected.size()
            && actual.equals(expected.subList(0, actual.size())), what);
    }

    /**
     * Reads until the value equals {@code expected}, for up to 10 s while {@code mayCatchUp} says the difference is
     * the log being held back (see {@link #assertLogRead}); then asserts equality.
     */
    private static <T> void assertEventually(Supplier<T> read, T expected, Predicate<T> mayCatchUp, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        T actual = read.get();
        while (!actual.equals(expected) && mayCatchUp.test(actual) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            actual = read.get();
        }
        assertThat(actual).as("%s", what).isEqualTo(expected);
    }

    private static ExpectedVersion expectation(Kind kind, long current) {
        return switch (kind) {
            case ANY -> ExpectedVersion.any();
            case NO_STREAM -> ExpectedVersion.noStream();
            case STREAM_EXISTS -> ExpectedVersion.streamExists();
            case EXACT_CURRENT -> ExpectedVersion.exactly(current);
            case EXACT_BEHIND -> ExpectedVersion.exactly(current == 0 ? 2 : current - 1);
            case EXACT_AHEAD -> ExpectedVersion.exactly(current + 1);
        };
    }

    /** The table of RELIABILITY.md, "Expected-version semantics", written out independently of the store. */
    private static boolean allowed(ExpectedVersion expected, long current) {
        if (expected instanceof ExpectedVersion.Any) {
            return true;
        } else if (expected instanceof ExpectedVersion.NoStream) {
            return current == 0;
        } else if (expected instanceof ExpectedVersion.StreamExists) {
            return current > 0;
        }
        return ((ExpectedVersion.Exactly) expected).version() == current;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (store == null ? "no store yet" : store) + "]";
    }
}
