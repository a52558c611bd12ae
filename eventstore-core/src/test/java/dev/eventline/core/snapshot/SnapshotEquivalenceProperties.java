package dev.eventline.core.snapshot;

import static dev.eventline.core.aggregate.TestBank.ACCOUNT;
import static dev.eventline.core.aggregate.TestBank.SERIALIZER;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.EventData;
import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.aggregate.AggregateRepository;
import dev.eventline.core.aggregate.Loaded;
import dev.eventline.core.aggregate.TestBank.Account;
import dev.eventline.core.aggregate.TestBank.AccountEvent;
import dev.eventline.core.aggregate.TestBank.AccountOpened;
import dev.eventline.core.aggregate.TestBank.MoneyDeposited;
import dev.eventline.core.aggregate.TestBank.MoneyWithdrawn;
import dev.eventline.core.testkit.EventStoreModelContract;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * S-1: loading from any snapshot (valid, of another revision, corrupt, beyond the stream's end, or none) plus the
 * tail gives exactly the state of a full replay, now and at any past version.
 */
class SnapshotEquivalenceProperties {

    enum SnapshotKind { VALID, OTHER_REVISION, CORRUPT, BEYOND_END, NONE }

    /** Tries in {@code ./mvnw verify}: the plan's CI size (1,000 tries of histories of up to 200 events). */
    static final int TRIES = 1_000;
    /** Tries with {@code -Deventline.extended=true}. */
    static final int EXTENDED_TRIES = 20_000;

    @Property(tries = TRIES)
    @AddLifecycleHook(EventStoreModelContract.CiSize.class)
    void snapshot_plus_tail_equals_full_replay(@ForAll("histories") List<AccountEvent> history,
                                               @ForAll @IntRange(min = 0, max = 200) int snapshotAt,
                                               @ForAll SnapshotKind kind,
                                               @ForAll @IntRange(min = 0, max = 210) int travelTo) {
        check(history, snapshotAt, kind, travelTo);
    }

    @Property(tries = EXTENDED_TRIES)
    @AddLifecycleHook(EventStoreModelContract.ExtendedSize.class)
    void at_the_extended_size_snapshot_plus_tail_equals_full_replay(@ForAll("histories") List<AccountEvent> history,
                                                                    @ForAll @IntRange(min = 0, max = 200)
                                                                    int snapshotAt,
                                                                    @ForAll SnapshotKind kind,
                                                                    @ForAll @IntRange(min = 0, max = 210)
                                                                    int travelTo) {
        check(history, snapshotAt, kind, travelTo);
    }

    private void check(List<AccountEvent> history, int snapshotAt, SnapshotKind kind, int travelTo) {
        // given
        EventStore store = EventStore.inMemory();
        List<EventData> data = new ArrayList<>();
        for (AccountEvent event : history) {
            data.add(SERIALIZER.serialize(event));
        }
        store.append("account-1", ExpectedVersion.noStream(), data);
        int at = Math.min(snapshotAt, history.size());
        SnapshotStore snapshots = new InMemorySnapshotStore();
        if (at > 0 && kind != SnapshotKind.NONE) {
            snapshots.save(snapshot(kind, ACCOUNT.fold(ACCOUNT.initialState(), history.subList(0, at)), at,
                history.size()));
        }
        AggregateRepository<?, AccountEvent, Account> accounts = AggregateRepository.builder(store, ACCOUNT,
            SERIALIZER).snapshots(snapshots, SnapshotStrategy.never()).build();
        // when
        Loaded<Account> fromSnapshot = accounts.load("1");
        Loaded<Account> full = accounts.load("1", false);
        // then
        assertThat(fromSnapshot.state()).isEqualTo(full.state());
        assertThat(fromSnapshot.version()).isEqualTo(full.version()).isEqualTo(history.size());
        long expectedReplayed = kind == SnapshotKind.VALID && at > 0 ? history.size() - at : history.size();
        assertThat(fromSnapshot.eventsReplayed()).isEqualTo(expectedReplayed);
        // and time travel: the state at any version is the fold of exactly that prefix
        int target = Math.min(travelTo, history.size());
        Loaded<Account> past = accounts.loadAtVersion("1", travelTo);
        assertThat(past.version()).isEqualTo(target);
        assertThat(past.state()).isEqualTo(ACCOUNT.fold(ACCOUNT.initialState(), history.subList(0, target)));
        assertThat(past.snapshotVersion()).isLessThanOrEqualTo(target);
    }

    private static Snapshot snapshot(SnapshotKind kind, Account state, int at, int streamSize) {
        byte[] json = SERIALIZER.toJson(state);
        switch (kind) {
            case VALID:
                return new Snapshot("account-1", at, 1, json, Instant.EPOCH);
            case OTHER_REVISION:
                return new Snapshot("account-1", at, 2, json, Instant.EPOCH);
            case CORRUPT:
                return new Snapshot("account-1", at, 1, "{\"owner\":".getBytes(StandardCharsets.UTF_8),
                    Instant.EPOCH);
            case BEYOND_END:
                return new Snapshot("account-1", streamSize + 1L, 1, json, Instant.EPOCH);
            default:
                throw new IllegalArgumentException("unexpected kind: " + kind);
        }
    }

    @Provide
    Arbitrary<List<AccountEvent>> histories() {
        Arbitrary<BigDecimal> amounts = Arbitraries.bigDecimals().between(BigDecimal.ZERO, new BigDecimal("1000"))
            .ofScale(2);
        Arbitrary<AccountEvent> tail = Arbitraries.oneOf(
            amounts.map(MoneyDeposited::new),
            amounts.map(MoneyWithdrawn::new));
        return Combinators.combine(Arbitraries.strings().alpha().ofMaxLength(8), tail.list().ofMaxSize(199))
            .as((owner, events) -> {
                List<AccountEvent> history = new ArrayList<>();
                history.add(new AccountOpened(owner));
                history.addAll(events);
                return history;
            });
    }
}
