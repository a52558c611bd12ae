package dev.eventline.saga;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eventline.core.EventStore;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class OptionalMicrometerTest {

    @Test
    void a_runner_without_a_meter_registry_works_when_micrometer_is_not_on_the_classpath() throws Exception {
        // given: a class loader with the saga module and its required dependencies only
        var urls = new LinkedHashSet<URL>();
        for (Class<?> type : new Class<?>[] {SagaRunner.class, OptionalMicrometerTest.class, EventStore.class,
            ObjectMapper.class, JsonFactory.class, JsonCreator.class, JavaTimeModule.class, Logger.class}) {
            urls.add(type.getProtectionDomain().getCodeSource().getLocation());
        }
        try (var loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            @SuppressWarnings("unchecked")
            var scenario = (Callable<String>) loader.loadClass(WithoutMicrometerScenario.class.getName())
                .getDeclaredConstructor().newInstance();
            // when
            String outcome = scenario.call();
            // then
            assertThat(outcome).isEqualTo("micrometer absent, COMPLETED, b=4");
        }
    }
}
