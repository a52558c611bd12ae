package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.core.snapshot.Snapshot;
import dev.eventline.jdbc.testing.H2TestDatabases;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The JDBC snapshot table on H2 and PostgreSQL: upsert, latest, at-or-before, delete, exact bytes. */
class JdbcSnapshotStoreTest {

    static Stream<Arguments> databases() {
        return Stream.of(
            Arguments.of("H2", (Supplier<DataSource>) H2TestDatabases::inMemory),
            Arguments.of("PostgreSQL", (Supplier<DataSource>) () -> PostgresTestServer.shared().newSchema(2)));
    }

    private static Snapshot snapshot(String stream, long version, String state) {
        return new Snapshot(stream, version, 1, state.getBytes(StandardCharsets.UTF_8),
            Instant.parse("2026-03-01T10:00:00.123456Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void keeps_versions_per_stream_and_finds_the_latest_at_or_before_a_version(String name,
                                                                              Supplier<DataSource> database) {
        // given
        JdbcSnapshotStore snapshots = JdbcSnapshotStore.builder(database.get()).build();
        snapshots.createSchema();
        snapshots.save(snapshot("a", 100, "{\"balance\": 1}"));
        snapshots.save(snapshot("a", 200, "{\"balance\": 2}"));
        snapshots.save(snapshot("b", 50, "{}"));
        // when
        snapshots.save(new Snapshot("a", 200, 2, "{\"balance\":3}".getBytes(StandardCharsets.UTF_8),
            Instant.parse("2026-03-02T00:00:00Z")));
        // then
        assertThat(snapshots.latest("a")).hasValueSatisfying(s -> {
            assertThat(s.version()).isEqualTo(200);
            assertThat(s.stateRevision()).isEqualTo(2);
            assertThat(s.stateAsString()).isEqualTo("{\"balance\":3}");
        });
        assertThat(snapshots.latestAtOrBefore("a", 199)).contains(snapshot("a", 100, "{\"balance\": 1}"));
        assertThat(snapshots.latestAtOrBefore("a", 99)).isEmpty();
        assertThat(snapshots.latest("absent")).isEmpty();
        // when
        snapshots.delete("a");
        // then
        assertThat(snapshots.latest("a")).isEmpty();
        assertThat(snapshots.latest("b")).isPresent();
        assertThat(snapshots.createSchema()).isEmpty();
    }
}
