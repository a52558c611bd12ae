package dev.eventline.benchmarks;

import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * readAll throughput: reading the global log in order, in pages of {@value #PAGE} events, the way a projection
 * catches up; each invocation reads the next {@value #CHUNK} events and wraps around at the head. The ceiling
 * is {@link ReadAllCeilingBenchmark}. Score: events per second.
 * <p>
 * The default log has 100,000 events over 100 streams; the 1,000,000 is {@code -p logSize=1000000}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ReadAllBenchmark {

    static final int PAGE = 1_000;
    static final int CHUNK = 10_000;

    /** memory, h2mem or postgres. */
    @Param({"memory", "h2mem", "postgres"})
    public String store;

    /** Events in the log. */
    @Param({"100000"})
    public int logSize;

    private Fixture fixture;
    private LogPosition cursor = LogPosition.START;

    /** Writes the log: appends of 1,000 events spread over 100 streams. */
    @Setup
    public void setUp() {
        fixture = Fixture.open(store);
        fixture.writeLog(logSize);
    }

    /** Closes the store and its database. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** Eventline: the next 10,000 events of the log through {@code readAll(after, 1000)}. */
    @Benchmark
    @OperationsPerInvocation(CHUNK)
    public long eventlineReadAll() {
        long consumed = 0;
        for (int read = 0; read < CHUNK; ) {
            List<RecordedEvent> page = fixture.store.readAll(cursor, PAGE);
            if (page.isEmpty()) {
                cursor = LogPosition.START;
                continue;
            }
            read += page.size();
            cursor = page.get(page.size() - 1).position();
            consumed += page.size();
        }
        return consumed;
    }
}
