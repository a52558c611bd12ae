package dev.eventline.saga;

import static dev.eventline.saga.TransferSagas.TRANSFER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.eventline.core.EventStore;
import dev.eventline.projections.CheckpointStore;
import dev.eventline.saga.TransferSagas.Transfer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SagaRunnerLeaseTest {

    private final EventStore store = EventStore.inMemory();
    private final CheckpointStore leases = CheckpointStore.inMemory();
    private final TestBank bank = new TestBank().open("alice", 1000).open("bob", 0);
    private final List<String> dispatchedBy = new CopyOnWriteArrayList<>();
    private final List<SagaRunner> runners = new ArrayList<>();

    @AfterEach
    void close_runners() {
        runners.forEach(SagaRunner::close);
    }

    private SagaRunner runner(String label) {
        SagaRunner runner = SagaRunner.builder(store, command -> {
            dispatchedBy.add(label);
            bank.dispatch(command);
        }).register(TRANSFER).pollInterval(Duration.ofMillis(10)).lease(leases, Duration.ofMillis(600)).build();
        runners.add(runner);
        runner.start();
        return runner;
    }

    private static boolean allCompleted(SagaRunner runner, List<String> ids) {
        return ids.stream().allMatch(id -> runner.find(id).map(i -> i.status() == SagaStatus.COMPLETED)
            .orElse(false));
    }

    @Test
    void only_the_lease_holder_sends_commands_and_a_standby_takes_over_when_it_stops() {
        // given
        SagaRunner first = runner("first");
        await().atMost(Duration.ofSeconds(10)).until(first::isOwner);
        SagaRunner second = runner("second");
        // when: sagas are started through the standby
        var early = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            early.add(second.startSaga(TRANSFER, new Transfer("alice", "bob", 10)));
        }
        // then: the owner runs them
        await().atMost(Duration.ofSeconds(10)).until(() -> allCompleted(first, early));
        assertThat(second.isOwner()).isFalse();
        assertThat(dispatchedBy).hasSize(10).containsOnly("first");
        // and when the owner stops, the standby takes over
        first.close();
        await().atMost(Duration.ofSeconds(10)).until(second::isOwner);
        var late = new ArrayList<String>();
        for (int i = 0; i < 5; i++) {
            late.add(second.startSaga(TRANSFER, new Transfer("alice", "bob", 10)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> allCompleted(second, late));
        assertThat(dispatchedBy).hasSize(20);
        assertThat(dispatchedBy.subList(10, 20)).containsOnly("second");
        assertThat(bank.balance("bob")).isEqualTo(100);
        assertThat(bank.applications.values()).containsOnly(1);
    }

    @Test
    void two_runners_without_a_lease_finish_every_saga_once_with_exact_balances() {
        // given: two runners on one store, both working (no lease), with a bank that deduplicates command ids
        var runnersWithoutLease = new ArrayList<SagaRunner>();
        for (String label : List.of("one", "two")) {
            SagaRunner runner = SagaRunner.builder(store, command -> {
                dispatchedBy.add(label);
                bank.dispatch(command);
            }).register(TRANSFER).pollInterval(Duration.ofMillis(5)).workerThreads(3).build();
            runners.add(runner);
            runnersWithoutLease.add(runner);
            runner.start();
        }
        // when
        var ids = new ArrayList<String>();
        for (int i = 0; i < 40; i++) {
            ids.add(runnersWithoutLease.get(i % 2).startSaga(TRANSFER, new Transfer("alice", "bob", 5)));
        }
        // then
        await().atMost(Duration.ofSeconds(20)).until(() -> allCompleted(runnersWithoutLease.get(0), ids));
        assertThat(bank.balance("alice")).isEqualTo(800);
        assertThat(bank.balance("bob")).isEqualTo(200);
        assertThat(bank.applications.values()).containsOnly(1).hasSize(80);
        for (String id : ids) {
            assertThat(runnersWithoutLease.get(1).find(id).orElseThrow().steps()).hasSize(2);
        }
    }
}
