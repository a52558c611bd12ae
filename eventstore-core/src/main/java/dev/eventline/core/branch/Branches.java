package dev.eventline.core.branch;

import dev.eventline.core.AppendLimits;
import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.integrity.HashChain;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * <b>Experimental.</b> Creates, opens, lists and deletes the branches of an {@link EventStore}: named "what-if"
 * timelines forked from the main store, or from another branch, at a {@link ForkPoint}.
 * <p>
 * A branch is a {@link BranchStore}, itself an {@link EventStore}: its reads see the parent's events up to the fork
 * plus its own; its appends go to the branch only, with stream versions continuing from the parent's version at
 * the fork and the hash chain continuing from the parent's checksum there. Nothing is copied when a branch is
 * made, and the main store is never written to: the branches' own events and the registry live in a
 * {@link BranchStorage} ({@link InMemoryBranchStorage} by default; {@code JdbcBranchStorage} keeps them in the
 * same database as a {@code JdbcEventStore}, durably). Aggregates, buses and projections run on a branch unchanged.
 * <p>
 * The branches must compute checksums with the main store's {@link HashChain} (set the same key on both), so that
 * {@link EventStore#verify} on a branch checks one continuous chain.
 * <p>
 * Thread-safety: immutable after {@link Builder#build()} and safe for concurrent use.
 * <pre>{@code
 * Branches branches = Branches.builder(store).build();
 * BranchStore whatIf = branches.create("what-if", ForkPoint.head());
 * whatIf.append("account-42", ExpectedVersion.any(), List.of(EventData.of("MoneyWithdrawn", "{\"amount\":500}")));
 * var accounts = AggregateRepository.builder(whatIf, ACCOUNT, serializer).build();   // the same code, on the branch
 * branches.delete("what-if");                                                      // main never changed
 * }</pre>
 *
 * @since 0.1
 */
public final class Branches {

    /** The name by which the main store is its branches' parent; no branch may take it. */
    public static final String MAIN = "main";
    /** Names go into URLs, headers and logs: letters, digits, {@code _ . -}, starting with a letter or digit. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
    /** The page size of reads from the storage: the same as the stores' default. */
    static final int PAGE_SIZE = 1000;

    final EventStore main;
    final BranchStorage storage;
    final HashChain hashChain;
    final InstantSource clock;
    final AppendLimits limits;

    private Branches(Builder builder) {
        this.main = builder.main;
        this.storage = builder.storage;
        this.hashChain = builder.hashChain;
        this.clock = builder.clock;
        this.limits = builder.limits;
    }

    /**
     * @param main the main store, whose branches these are; it is only ever read
     * @return a builder with the defaults: in-memory storage, SHA-256 chain, system clock, default limits
     */
    public static Builder builder(EventStore main) {
        return new Builder(Objects.requireNonNull(main, "main"));
    }

    /** @return the main store */
    public EventStore main() {
        return main;
    }

    /**
     * Creates a branch of the main store at its current head.
     *
     * @param name the new branch's name: 1 to 100 of {@code [A-Za-z0-9_.-]}, starting with a letter or digit, not
     *     {@value #MAIN}
     * @return the new branch
     * @throws BranchAlreadyExistsException when the name is taken
     */
    public BranchStore create(String name) {
        return create(name, MAIN, ForkPoint.head());
    }

    /**
     * Creates a branch of the main store.
     *
     * @param name the new branch's name
     * @param at where it leaves the main store
     * @return the new branch
     * @throws BranchAlreadyExistsException when the name is taken
     * @throws IllegalArgumentException when the fork position is after the main store's head
     */
    public BranchStore create(String name, ForkPoint at) {
        return create(name, MAIN, at);
    }

    /**
     * Creates a branch of the main store ({@code parent} {@value #MAIN}) or of another branch.
     *
     * @param name the new branch's name
     * @param parent the parent branch's name, or {@value #MAIN}
     * @param at where it leaves the parent
     * @return the new branch
     * @throws BranchAlreadyExistsException when the name is taken
     * @throws BranchNotFoundException when the parent does not exist
     * @throws IllegalArgumentException when the name is invalid or the fork position is after the parent's head
     */
    public BranchStore create(String name, String parent, ForkPoint at) {
        checkName(name);
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(at, "at");
        EventStore parentStore = timeline(parent);
        String parentId = parentStore instanceof BranchStore branch ? branch.record().id() : "";
        LogPosition fork = resolve(parentStore, parent, at);
        BranchRecord record = new BranchRecord(UUID.randomUUID().toString(), name, parentId, fork,
            HashChain.truncate(clock.instant()));
        storage.create(record);
        return new BranchStore(this, record, parentStore, parent, false);
    }

    /**
     * A read-only view of a store as of a fork point, kept in a private in-memory storage: what
     * {@link TimeTravel} hands out.
     */
    static BranchStore view(EventStore store, ForkPoint at) {
        Branches scratch = builder(store).build();
        LogPosition fork = scratch.resolve(store, "the store", at);
        BranchRecord record = new BranchRecord(UUID.randomUUID().toString(), "as-of", "", fork,
            HashChain.truncate(scratch.clock.instant()));
        scratch.storage.create(record);
        return new BranchStore(scratch, record, store, "the store", true);
    }

    /**
     * Opens an existing branch.
     *
     * @param name the branch's name
     * @return the branch
     * @throws BranchNotFoundException when it does not exist
     */
    public BranchStore open(String name) {
        Objects.requireNonNull(name, "name");
        return find(name).orElseThrow(() -> new BranchNotFoundException(name));
    }

    /**
     * @param name a branch's name
     * @return the branch, if it exists
     */
    public Optional<BranchStore> find(String name) {
        Objects.requireNonNull(name, "name");
        return storage.find(name).map(this::openRecord);
    }

    /**
     * The timeline a request names: what an HTTP layer calls with the {@code branch} field or {@code X-Branch}
     * header.
     *
     * @param name a branch's name, or {@value #MAIN} (or "") for the main store
     * @return the main store or the branch
     * @throws BranchNotFoundException when no branch has that name
     */
    public EventStore timeline(String name) {
        Objects.requireNonNull(name, "name");
        return name.isEmpty() || MAIN.equals(name) ? main : open(name);
    }

    private BranchStore openRecord(BranchRecord record) {
        if (record.isTopLevel()) {
            return new BranchStore(this, record, main, MAIN, false);
        }
        BranchRecord parent = storage.findById(record.parentId())
            .orElseThrow(() -> new BranchNotFoundException(record.parentId()));
        BranchStore parentStore = openRecord(parent);
        return new BranchStore(this, record, parentStore, parent.name(), false);
    }

    /**
     * @param name a branch's name
     * @return its parent, fork point, own event count and creation time
     * @throws BranchNotFoundException when it does not exist
     */
    public BranchInfo describe(String name) {
        BranchRecord record = storage.find(Objects.requireNonNull(name, "name"))
            .orElseThrow(() -> new BranchNotFoundException(name));
        String parent = record.isTopLevel() ? MAIN
            : storage.findById(record.parentId()).map(BranchRecord::name).orElse(record.parentId());
        return info(record, parent);
    }

    /** @return every branch, ordered by name */
    public List<BranchInfo> list() {
        List<BranchRecord> records = storage.list();
        Map<String, String> names = new HashMap<>();
        records.forEach(record -> names.put(record.id(), record.name()));
        return records.stream()
            .map(record -> info(record, record.isTopLevel() ? MAIN : names.getOrDefault(record.parentId(),
                record.parentId())))
            .toList();
    }

    private BranchInfo info(BranchRecord record, String parent) {
        return new BranchInfo(record.name(), parent, record.forkPosition(), storage.ownEventCount(record),
            record.createdAt());
    }

    /**
     * Deletes a branch and its own events. The parent, and the main store, are untouched; a {@link BranchStore}
     * of the deleted branch refuses appends from then on.
     *
     * @param name the branch's name
     * @throws BranchNotFoundException when it does not exist
     * @throws BranchInUseException when branches were forked from it (delete them first)
     */
    public void delete(String name) {
        storage.delete(storage.find(Objects.requireNonNull(name, "name"))
            .orElseThrow(() -> new BranchNotFoundException(name)));
    }

    private LogPosition resolve(EventStore parent, String parentName, ForkPoint at) {
        LogPosition head = parent.headPosition();
        if (at instanceof ForkPoint.Head) {
            return head;
        } else if (at instanceof ForkPoint.AtPosition position) {
            if (position.position().isAfter(head)) {
                throw new IllegalArgumentException("Fork position " + position.position() + " is after the head of "
                    + parentName + " (head: " + head + "). Fork at or before the head.");
            }
            return position.position();
        } else if (at instanceof ForkPoint.AsOf asOf) {
            // recording times have microsecond precision: everything recorded at or before the instant is below this
            Instant end = asOf.instant().truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
            try (Stream<RecordedEvent> events = parent.readAllBetween(Instant.EPOCH, end)) {
                return events.map(RecordedEvent::position).filter(position -> !position.isAfter(head))
                    .reduce((first, second) -> second).orElse(LogPosition.START);
            }
        }
        throw new IllegalStateException("unexpected ForkPoint: " + at.getClass().getName());
    }

    private static void checkName(String name) {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches() || MAIN.equals(name)) {
            throw new IllegalArgumentException("Invalid branch name (name: '" + name + "'). Use 1 to 100 letters, "
                + "digits, '_', '.' or '-', starting with a letter or digit; '" + MAIN + "' is reserved.");
        }
    }

    @Override
    public String toString() {
        return "Branches[main=" + main + ", storage=" + storage + "]";
    }

    /**
     * Configures {@link Branches}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final EventStore main;
        private BranchStorage storage;
        private HashChain hashChain = HashChain.sha256();
        private InstantSource clock = InstantSource.system();
        private AppendLimits limits = AppendLimits.defaults();

        private Builder(EventStore main) {
            this.main = main;
        }

        /**
         * @param storage where the registry and the branches' own events live (default: a new
         *     {@link InMemoryBranchStorage})
         * @return this builder
         */
        public Builder storage(BranchStorage storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
            return this;
        }

        /**
         * @param hashChain the main store's chain (default: plain SHA-256, the stores' default)
         * @return this builder
         */
        public Builder hashChain(HashChain hashChain) {
            this.hashChain = Objects.requireNonNull(hashChain, "hashChain");
            return this;
        }

        /**
         * @param clock the source of the branches' recording and creation times (default: the system clock)
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * @param limits the input limits of appends to branches (default: {@link AppendLimits#defaults()})
         * @return this builder
         */
        public Builder limits(AppendLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** @return the branch manager */
        public Branches build() {
            if (storage == null) {
                storage = new InMemoryBranchStorage();
            }
            return new Branches(this);
        }
    }
}
