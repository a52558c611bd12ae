package dev.eventline.benchmarks;

import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.aggregate.Loaded;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.core.branch.Branches;
import dev.eventline.core.branch.ForkPoint;
import dev.eventline.jdbc.branch.JdbcBranchStorage;
import java.util.ArrayList;
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
 * Reads on a branch against the same reads on main (issue 7.2: "reads on a branch as fast as on main"). The ratio
 * {@code branch / main} of the same method and store is the figure to watch; there is no JDBC ceiling beside it
 * because main is the reference.
 * <p>
 * The data, the same for both timelines: an account of {@value #SIZE} events and another of {@value #OTHER}
 * events, in appends of 1,000, on a JDBC store with a {@code JdbcBranchStorage} in the same database. A branch
 * forks when half of the account is written, before the other account. Then main gets the account's second half
 * and the other account, and the branch gets the same (as its own events). So {@code load} reads
 * {@value #SIZE} events on both timelines (on the branch: 5,000 from main's table up to the fork, 5,000 from the
 * branch's), and {@code readAll} reads a log of {@value #LOG} events on both.
 * <ul>
 *   <li>{@code load}: {@code AggregateRepository.load} of the account without snapshots (read, deserialize,
 *   evolve), as {@link ReplayBenchmark}. Score: microseconds per load.</li>
 *   <li>{@code readAll}: the whole log through {@code readAll(after, 1000)}, as {@link ReadAllBenchmark}. Score:
 *   events per second.</li>
 * </ul>
 * The default run is short (one fork per store and timeline, 1 + 2 iterations of 1 s): about 50 s for the 8 trials.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 2, time = 1)
public class BranchReadBenchmark {

    static final int SIZE = 10_000;
    static final int OTHER = 2_000;
    static final int LOG = SIZE + OTHER;
    static final int PAGE = 1_000;

    /** h2mem or postgres. */
    @Param({"h2mem", "postgres"})
    public String store;

    /** main or branch: which timeline the reads run on. */
    @Param({"main", "branch"})
    public String timeline;

    private Fixture fixture;
    private EventStore reads;
    private AggregateRepository<Fixture.Deposit, BankEvents.BankEvent, BankEvents.Account> repository;

    /** Writes main, forks the branch at the middle of the account, writes the same second half on both. */
    @Setup
    public void setUp() {
        fixture = Fixture.open(store);
        JdbcBranchStorage storage = JdbcBranchStorage.builder(fixture.database.dataSource()).build();
        storage.createSchema();
        Branches branches = Branches.builder(fixture.store).storage(storage).build();
        write(fixture.store, "replayed", 0, SIZE / 2);
        BranchStore branch = branches.create("bench", ForkPoint.head());
        for (EventStore target : List.of(fixture.store, branch)) {
            write(target, "replayed", SIZE / 2, SIZE);
            write(target, "other", 0, OTHER);
        }
        fixture.database.analyze();
        reads = "branch".equals(timeline) ? branch : fixture.store;
        repository = AggregateRepository.builder(reads, Fixture.ACCOUNT, fixture.serializer).build();
        Loaded<BankEvents.Account> loaded = repository.load("replayed", false);
        if (loaded.version() != SIZE || loaded.state().movements() != SIZE) {
            throw new IllegalStateException("load is wrong (version " + loaded.version() + ", movements "
                + loaded.state().movements() + ", expected " + SIZE + ")");
        }
        long logged = readAll();
        if (logged != LOG) {
            throw new IllegalStateException("readAll is wrong (" + logged + " events, expected " + LOG + ")");
        }
    }

    private void write(EventStore target, String id, int from, int to) {
        String streamId = Fixture.ACCOUNT.streamId(id);
        for (int written = from; written < to; ) {
            int count = Math.min(1_000, to - written);
            List<EventData> data = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                data.add(fixture.serializer.serialize(BankEvents.event(id, written + i)));
            }
            target.append(streamId, ExpectedVersion.exactly(written), data);
            written += count;
        }
    }

    /** Closes the store and its database. */
    @TearDown
    public void tearDown() {
        fixture.close();
    }

    /** Loads the 10,000-event account. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object load() {
        return repository.load("replayed", false);
    }

    /** Reads the whole log in pages of 1,000. */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(LOG)
    public long readAll() {
        long read = 0;
        LogPosition cursor = LogPosition.START;
        while (true) {
            List<RecordedEvent> page = reads.readAll(cursor, PAGE);
            if (page.isEmpty()) {
                return read;
            }
            read += page.size();
            cursor = page.get(page.size() - 1).position();
        }
    }
}
