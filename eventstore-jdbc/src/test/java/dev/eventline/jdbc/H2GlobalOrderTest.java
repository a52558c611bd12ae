package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.H2TestDatabases;
import java.time.Duration;
import java.util.HashSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * O-2 of RELIABILITY.md: on H2 appends are serialized, so a reader following positions sees every committed event
 * once, in order, even with transactions sleeping before commit and some rolled back. (There is no position-only
 * control here: on H2 that is the method; the control runs on PostgreSQL.)
 */
class H2GlobalOrderTest {

    @Test
    void a_tailing_reader_sees_every_committed_event_once_in_memory() throws InterruptedException {
        assertEveryCommittedEventSeenOnce(H2TestDatabases.inMemory(), Duration.ofSeconds(4));
    }

    @Test
    void a_tailing_reader_sees_every_committed_event_once_in_a_file() throws InterruptedException {
        assertEveryCommittedEventSeenOnce(H2TestDatabases.inTempFile(), Duration.ofSeconds(3));
    }

    private static void assertEveryCommittedEventSeenOnce(DataSource dataSource, Duration duration)
        throws InterruptedException {
        // given
        CommitHookDataSource hooked = new CommitHookDataSource(dataSource);
        JdbcEventStore store = JdbcEventStore.builder(hooked).build();
        store.createSchema();
        ConcurrentLogHarness.installChaos(hooked);
        ConcurrentLogHarness harness = new ConcurrentLogHarness();
        // when
        harness.run(store, 8, 64, duration, null, null);
        // then
        assertThat(harness.errors).as("unexpected append errors").isEmpty();
        assertThat(harness.committed).hasSizeGreaterThan(100);
        assertThat(harness.rolledBack).isNotEmpty();
        assertThat(harness.tail.seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(harness.tail.seen)).isEqualTo(harness.committed);
        assertThat(harness.tail.cursorRegressions).isZero();
        assertThat(harness.tail.versionRegressions).isZero();
    }
}
