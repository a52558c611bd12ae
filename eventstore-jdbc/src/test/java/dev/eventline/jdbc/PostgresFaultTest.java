package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.LogPosition;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * F-2 of RELIABILITY.md, one case: the connection dies in the middle of an append. (F-1, the whole server killed
 * K times, is {@code reliability.ServerKillTest}.)
 */
class PostgresFaultTest {

    @Test
    void a_terminated_backend_fails_the_append_clearly_leaves_nothing_and_the_store_recovers() {
        // given
        HikariDataSource pool = PostgresTestServer.shared().newSchema();
        CommitHookDataSource hooked = new CommitHookDataSource(pool);
        JdbcEventStore store = JdbcEventStore.builder(hooked).build();
        store.createSchema();
        AtomicBoolean kill = new AtomicBoolean(true);
        hooked.beforeCommit(connection -> {
            if (kill.getAndSet(false)) {
                long pid;
                try (Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("SELECT pg_backend_pid()")) {
                    row.next();
                    pid = row.getLong(1);
                }
                try (Connection admin = PostgresTestServer.shared().connect();
                     PreparedStatement terminate = admin.prepareStatement("SELECT pg_terminate_backend(CAST(? AS integer), CAST(5000 AS bigint))")) {
                    terminate.setLong(1, pid);
                    terminate.execute();
                }
            }
        });
        List<EventData> batch = IntStream.range(0, 50).mapToObj(i -> EventData.of("E", "{\"i\":" + i + "}"))
            .toList();
        // when
        Throwable thrown = catchThrowable(() -> store.append("s", ExpectedVersion.noStream(), batch));
        // then
        assertThat(thrown).isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.isRetryable()).as(e.getMessage()).isTrue();
            assertThat(e.sqlState()).as(e.getMessage()).matches("08.*|57P01");
        });
        assertThat(store.streamVersion("s")).isZero();
        assertThat(store.readAll(LogPosition.START, 100)).isEmpty();
        AppendResult retried = store.append("s", ExpectedVersion.noStream(), batch);
        assertThat(retried.currentVersion()).isEqualTo(50);
        assertThat(store.readStream("s").count()).isEqualTo(50);
    }
}
