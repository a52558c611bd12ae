package dev.eventline.projections;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Micrometer is an optional dependency: a runner without a registry must never touch its classes. */
class MicrometerOptionalTest {

    /** Loads Eventline's classes itself (child first), hides Micrometer, and records every attempt to load it. */
    private static final class NoMicrometerLoader extends URLClassLoader {
        final Set<String> micrometerRequests = ConcurrentHashMap.newKeySet();

        NoMicrometerLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("io.micrometer.")) {
                micrometerRequests.add(name);
                throw new ClassNotFoundException(name + " is hidden by the test");
            }
            if (name.startsWith("dev.eventline.")) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> loaded = findLoadedClass(name);
                    if (loaded == null) {
                        loaded = findClass(name);
                    }
                    if (resolve) {
                        resolveClass(loaded);
                    }
                    return loaded;
                }
            }
            return super.loadClass(name, resolve);
        }
    }

    @Test
    void a_runner_without_a_meter_registry_runs_without_micrometer_on_the_class_path() throws Exception {
        // given
        List<URL> urls = new java.util.ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!entry.contains("micrometer")) {
                urls.add(java.nio.file.Path.of(entry).toUri().toURL());
            }
        }
        try (var loader = new NoMicrometerLoader(urls.toArray(URL[]::new), getClass().getClassLoader())) {
            Class<?> scenario = loader.loadClass(Scenario.class.getName());
            // when
            Object applied = scenario.getMethod("run").invoke(null);
            // then
            assertThat(applied).isEqualTo(3L);
            assertThat(loader.micrometerRequests).isEmpty();
        }
    }

    /** Runs in the isolated class loader: builds, catches up and reports a runner without Micrometer. */
    public static final class Scenario {
        private Scenario() {
        }

        /** @return how many events the projection applied */
        public static long run() {
            var store = dev.eventline.core.EventStore.inMemory();
            store.append("a", dev.eventline.core.ExpectedVersion.any(), List.of(TestEvents.deposited(1),
                TestEvents.deposited(2), TestEvents.deposited(3)));
            var balances = ReadModel.of(Balances::new);
            var runner = ProjectionRunner.builder(store).register(balances).build();
            runner.catchUp();
            runner.status("balances");
            runner.close();
            return balances.current().applied();
        }
    }
}
