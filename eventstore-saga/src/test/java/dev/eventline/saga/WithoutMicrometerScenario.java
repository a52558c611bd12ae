package dev.eventline.saga;

import dev.eventline.core.EventStore;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Runs a transfer saga on a runner built without a meter registry. {@link OptionalMicrometerTest} loads it in a
 * class loader that has no Micrometer classes at all.
 */
public final class WithoutMicrometerScenario implements Callable<String> {

    @Override
    public String call() throws Exception {
        String micrometer;
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry");
            micrometer = "micrometer visible";
        } catch (ClassNotFoundException expected) {
            micrometer = "micrometer absent";
        }
        var bank = new TestBank().open("a", 10).open("b", 0);
        try (SagaRunner runner = SagaRunner.builder(EventStore.inMemory(), bank)
                .register(TransferSagas.TRANSFER).pollInterval(Duration.ofMillis(10)).build()) {
            runner.start();
            String id = runner.startSaga(TransferSagas.TRANSFER, new TransferSagas.Transfer("a", "b", 4));
            for (int i = 0; i < 1000; i++) {
                SagaStatus status = runner.find(id).orElseThrow().status();
                if (!status.isActive()) {
                    return micrometer + ", " + status + ", b=" + bank.balance("b");
                }
                Thread.sleep(10);
            }
            return micrometer + ", still running";
        }
    }
}
