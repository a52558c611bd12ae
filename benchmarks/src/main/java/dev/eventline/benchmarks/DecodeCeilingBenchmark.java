package dev.eventline.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Ceiling of in-memory replay: plain Jackson decoding of the same 10,000 payloads folded into the account state,
 * with no store around it. Score: events per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class DecodeCeilingBenchmark {

    private static final int EVENTS = 10_000;

    private String[] types;
    private byte[][] payloads;

    /** Encodes the 10,000 payloads once. */
    @Setup
    public void setUp() {
        types = new String[EVENTS];
        payloads = new byte[EVENTS][];
        for (int i = 0; i < EVENTS; i++) {
            BankEvents.BankEvent event = BankEvents.event("acc-1", i);
            types[i] = BankEvents.typeOf(event);
            payloads[i] = BankEvents.encode(event);
        }
    }

    /** Decodes and folds 10,000 payloads. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public Object jacksonDecodeAndEvolve() {
        BankEvents.Account state = BankEvents.Account.EMPTY;
        for (int i = 0; i < EVENTS; i++) {
            state = BankEvents.evolve(state, BankEvents.decode(types[i], payloads[i]));
        }
        return state;
    }
}
