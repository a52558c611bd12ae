package dev.eventline.saga;

import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import java.time.Duration;

/**
 * The child JVM of {@link ProcessKilledMidSagaTest}: runs transfer sagas on a PostgreSQL schema until it is killed.
 * Arguments: JDBC URL, user, password, schema, transfer count, accounts.
 */
public final class SagaKillChild {

    private SagaKillChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        var store = JdbcEventStore.builder(args[0], args[1], args[2]).schema(args[3]).dialect(Dialect.postgres())
            .build();
        int transfers = Integer.parseInt(args[4]);
        int accounts = Integer.parseInt(args[5]);
        var bank = new EventSourcedBank(store);
        var runner = SagaRunner.builder(store, command -> {
            pause();
            bank.dispatch(command);
        }).register(TransferSagas.TRANSFER).pollInterval(Duration.ofMillis(20)).workerThreads(3).build();
        runner.start();
        for (int i = 0; i < transfers; i++) {
            runner.startSaga(TransferSagas.TRANSFER, "k-" + i, ProcessKilledMidSagaTest.transfer(i, accounts));
        }
        System.out.println("started");
        Thread.sleep(Long.MAX_VALUE);
    }

    private static void pause() {
        try {
            Thread.sleep(3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
