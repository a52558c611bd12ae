package dev.eventline.benchmarks;

import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.aggregate.AggregateRepository;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One hot stream: 4 threads send deposit commands to the same account through
 * {@code AggregateRepository.handle} (load with snapshots, decide, append with the loaded version). Every
 * conflict is counted and the command retried at once. Score: commands stored per second; the secondary
 * {@code conflicts} result is conflicts per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Threads(4)
public class HotStreamBenchmark {

    /** The store and the repository, shared by the threads. */
    @State(Scope.Benchmark)
    public static class Shared {
        /** memory, h2mem or postgres. */
        @Param({"memory", "h2mem", "postgres"})
        public String store;

        Fixture fixture;
        AggregateRepository<Fixture.Deposit, BankEvents.BankEvent, BankEvents.Account> repository;

        /** Opens the store; the repository does not retry by itself so that conflicts can be counted. */
        @Setup
        public void setUp() {
            fixture = Fixture.open(store);
            repository = fixture.repository(true, 0);
        }

        /** Closes the store. */
        @TearDown
        public void tearDown() {
            fixture.close();
        }
    }

    /** Conflicts seen by one thread in the current iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Conflicts {
        /** Conflicts (each followed by a retry). */
        public long conflicts;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            conflicts = 0;
        }
    }

    private static final Fixture.Deposit DEPOSIT = new Fixture.Deposit(1);

    /** Handles one deposit on the hot account, retrying on conflict until it is stored. */
    @Benchmark
    public Object hotStreamCommand(Shared shared, Conflicts counters) {
        while (true) {
            try {
                return shared.repository.handle("hot", DEPOSIT);
            } catch (ConcurrencyConflictException e) {
                counters.conflicts++;
            }
        }
    }
}
