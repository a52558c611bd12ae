package dev.eventline.benchmarks;

import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.aggregate.Loaded;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replay: loading one bank account through {@code AggregateRepository.load} (read the stream, deserialize every
 * event with the registry-driven {@code EventSerializer}, fold it with {@code evolve}), without snapshots and with
 * a snapshot every 100 events (the latest 50 events behind the head). Score: microseconds per load; events per
 * second is {@code size / score}, computed by {@code summarize.py}.
 * <p>
 * Default sizes are 100, 1,000 and 10,000 events; add the 100,000-event aggregate with {@code -p size=100000}
 * (or {@code -p size=100,1000,10000,100000}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 1)
public class ReplayBenchmark {

    /** memory, h2mem, h2file or postgres (h2file with {@code -p store=h2file}: kept out of the default run's 15 minutes). */
    @Param({"memory", "h2mem", "postgres"})
    public String store;

    /** Events in the aggregate's stream. */
    @Param({"100", "1000", "10000"})
    public int size;

    /** Whether the repository starts from the latest snapshot. */
    @Param({"false", "true"})
    public boolean snapshots;

    private Fixture fixture;
    private AggregateRepository<Fixture.Deposit, BankEvents.BankEvent, BankEvents.Account> repository;

    /** Writes the account (and other accounts around it, so the stream is not the whole table). */
    @Setup
    public void setUp() {
        fixture = Fixture.open(store);
        fixture.writeAccount("other-1", Math.min(size, 10_000), false);
        fixture.writeAccount("replayed", size, snapshots);
        fixture.writeAccount("other-2", Math.min(size, 10_000), false);
        if (fixture.database != null) {
            fixture.database.analyze();
        }
        repository = fixture.repository(snapshots, 0);
        Loaded<BankEvents.Account> loaded = repository.load("replayed", snapshots);
        if (loaded.version() != size || loaded.state().movements() != size) {
            throw new IllegalStateException("replay is wrong (version " + loaded.version() + ", movements "
                + loaded.state().movements() + ", expected " + size + ")");
        }
    }

    /** Closes the store and its database. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** Loads the aggregate. */
    @Benchmark
    public Object load() {
        return repository.load("replayed", snapshots);
    }
}
