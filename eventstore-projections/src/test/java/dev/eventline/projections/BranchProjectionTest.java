package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.EventStore;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.InMemoryEventStore;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.core.branch.Branches;
import dev.eventline.core.branch.ReadModelDiff;
import dev.eventline.core.branch.TimeTravel;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Projections run on a branch, and as of an instant, unchanged: each into its own read-model instance. */
class BranchProjectionTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T10:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final EventStore main = InMemoryEventStore.builder().clock(clock).build();
    private final Branches branches = Branches.builder(main).clock(clock).build();

    private void append(EventStore store, String account, dev.eventline.core.EventData event) {
        now.updateAndGet(instant -> instant.plus(Duration.ofSeconds(1)));
        store.append(account, ExpectedVersion.any(), List.of(event));
    }

    private static Balances project(EventStore store) {
        Balances balances = new Balances();
        try (ProjectionRunner runner = ProjectionRunner.builder(store).register(balances).build()) {
            runner.catchUp();
        }
        return balances;
    }

    private static Map<String, Long> asMap(Balances balances, String... accounts) {
        Map<String, Long> map = new java.util.TreeMap<>();
        for (String account : accounts) {
            map.put(account, balances.centsOf(account));
        }
        return map;
    }

    @Test
    void a_projection_runs_over_a_branch_into_its_own_read_model() {
        // given
        append(main, "a", TestEvents.deposited(100));
        append(main, "b", TestEvents.deposited(50));
        BranchStore whatIf = branches.create("what-if");
        append(whatIf, "a", TestEvents.withdrawn(30));
        append(main, "b", TestEvents.deposited(5));
        // when
        Balances onMain = project(main);
        Balances onBranch = project(whatIf);
        // then
        assertThat(onMain.centsOf("a")).isEqualTo(100);
        assertThat(onMain.centsOf("b")).isEqualTo(55);
        assertThat(onBranch.centsOf("a")).isEqualTo(70);
        assertThat(onBranch.centsOf("b")).isEqualTo(50);
        ReadModelDiff<String, Long> diff = ReadModelDiff.of(asMap(onMain, "a", "b"), asMap(onBranch, "a", "b"));
        assertThat(diff.changed()).containsOnlyKeys("a", "b");
        assertThat(diff.changed().get("a")).isEqualTo(new ReadModelDiff.Change<>(100L, 70L));
    }

    @Test
    void a_read_model_as_of_an_instant_between_two_events_equals_the_one_after_the_earlier() {
        // given
        append(main, "a", TestEvents.deposited(100));
        Instant between = now.get().plusMillis(500);
        append(main, "a", TestEvents.withdrawn(40));
        // when
        Balances asOfView = project(TimeTravel.viewAsOf(main, between));
        Balances stopped = new Balances();
        try (ProjectionRunner runner = ProjectionRunner.builder(main).register(stopped).stopAt(between).build()) {
            runner.catchUp();
        }
        // then
        assertThat(asOfView.centsOf("a")).isEqualTo(100);
        assertThat(stopped.centsOf("a")).isEqualTo(100);
        assertThat(project(main).centsOf("a")).isEqualTo(60);
    }
}
