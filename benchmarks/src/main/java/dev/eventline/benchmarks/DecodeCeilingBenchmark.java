package dev.eventline.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.eventline.core.serialization.FastInstantModule;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * <p>
 * {@link #jacksonDecodeAndEvolve} is the ceiling: a plain mapper ({@link BankEvents#MAPPER}: jsr310, unknown
 * properties ignored, no duplicate-key check) plus Eventline's public {@link FastInstantModule}, because
 * Eventline's default mapper reads instants through it and a trick the store uses must be open to the ceiling
 * too, or the ratio flatters the store. {@link #jacksonStockDecodeAndEvolve} is the same without that module
 * (stock jsr310 reads each instant through {@code DateTimeFormatter}), to show what the module is worth.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class DecodeCeilingBenchmark {

    private static final int EVENTS = 10_000;

    /** The ceiling's mapper: {@link BankEvents#MAPPER} plus {@link FastInstantModule}. */
    static final ObjectMapper MAPPER = BankEvents.MAPPER.copy().registerModule(new FastInstantModule());
    private static final ObjectReader DEPOSITED = MAPPER.readerFor(BankEvents.MoneyDeposited.class);
    private static final ObjectReader WITHDRAWN = MAPPER.readerFor(BankEvents.MoneyWithdrawn.class);

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

    /** Decodes and folds 10,000 payloads: the ceiling. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public Object jacksonDecodeAndEvolve() {
        BankEvents.Account state = BankEvents.Account.EMPTY;
        for (int i = 0; i < EVENTS; i++) {
            state = BankEvents.evolve(state, decode(types[i], payloads[i]));
        }
        return state;
    }

    /** The same with stock jsr310 instant parsing (no {@link FastInstantModule}). */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public Object jacksonStockDecodeAndEvolve() {
        BankEvents.Account state = BankEvents.Account.EMPTY;
        for (int i = 0; i < EVENTS; i++) {
            state = BankEvents.evolve(state, BankEvents.decode(types[i], payloads[i]));
        }
        return state;
    }

    /** Decodes a stored payload by its type name with the ceiling's mapper, as a type registry would. */
    static BankEvents.BankEvent decode(String type, byte[] payload) {
        try {
            if (BankEvents.DEPOSITED.equals(type)) {
                return DEPOSITED.readValue(payload);
            }
            if (BankEvents.WITHDRAWN.equals(type)) {
                return WITHDRAWN.readValue(payload);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("unknown event type (" + type + ")");
    }
}
