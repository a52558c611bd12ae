package dev.eventline.saga;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.jdbc.Dialect;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.projections.CheckpointStore;
import dev.eventline.projections.ProjectionRunner;
import java.time.Duration;

/**
 * The child JVM of {@link ProcessKilledMidSagaTest}: the application. It runs the transfer sagas and the
 * {@link BankReadModel} projection on a PostgreSQL schema, starts this cycle's transfers, prints {@code started}
 * and works until it is killed. Arguments: JDBC URL, user, password, schema, cycle, transfers per cycle, accounts.
 */
public final class SagaKillChild {

    /** Short, so that the next child takes over the dead one's projection lease quickly. */
    static final Duration LEASE = Duration.ofMillis(300);

    private SagaKillChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        var store = JdbcEventStore.builder(args[0], args[1], args[2]).schema(args[3]).dialect(Dialect.postgres())
            .build();
        int cycle = Integer.parseInt(args[4]);
        int transfers = Integer.parseInt(args[5]);
        int accounts = Integer.parseInt(args[6]);
        var bank = new EventSourcedBank(store);
        var runner = SagaRunner.builder(store, command -> {
            pause(3);
            bank.dispatch(command);
        }).register(ProcessKilledMidSagaTest.SAGA).pollInterval(Duration.ofMillis(20)).workerThreads(3).build();
        var checkpoints = CheckpointStore.jdbc(pool(args));
        var projections = ProjectionRunner.builder(store).checkpoints(checkpoints).leaseTimeout(LEASE)
            .pollInterval(Duration.ofMillis(20)).batchSize(20)
            .register(BankReadModel.projection(Duration.ofMillis(2))).build();
        runner.start();
        projections.start();
        for (int i = 0; i < transfers; i++) {
            int n = cycle * transfers + i;
            runner.startSaga(ProcessKilledMidSagaTest.SAGA, "k-" + n, ProcessKilledMidSagaTest.transfer(n, accounts));
        }
        System.out.println("started");
        Thread.sleep(Long.MAX_VALUE);
    }

    static HikariDataSource pool(String[] args) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(args[0]);
        config.setUsername(args[1]);
        config.setPassword(args[2]);
        config.setMaximumPoolSize(3);
        config.addDataSourceProperty("currentSchema", args[3]);
        return new HikariDataSource(config);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
