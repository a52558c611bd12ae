package dev.eventline.projections;

import static dev.eventline.projections.TestEvents.deposited;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.AppendResult;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.jdbc.JdbcEventStore;
import dev.eventline.jdbc.PostgresNotifications;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Live projections woken by LISTEN/NOTIFY on a real PostgreSQL, with polling as the fallback when the listening
 * connection is lost.
 */
class PostgresWakeUpTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Far longer than any wait here: a projection that sees a new event in time was woken, not polled. */
    private static final Duration HOUR_POLL = Duration.ofHours(1);

    private final String channel = "el_wake_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final HikariDataSource pool = PostgresTestServer.shared().newSchema(8);
    private final AtomicBoolean refuseListener = new AtomicBoolean();
    private final JdbcEventStore store = newStore();
    private final PostgresNotifications notifications = PostgresNotifications.builder(listenerSource())
        .channel(channel).maxBackoff(Duration.ofMillis(200)).build();

    private JdbcEventStore newStore() {
        JdbcEventStore created = JdbcEventStore.builder(pool).appendHook(PostgresNotifications.appendHook(channel))
            .build();
        created.createSchema();
        return created;
    }

    /** The pool, unless {@link #refuseListener} is set: then new connections fail, as from a server that is down. */
    private DataSource listenerSource() {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
                if (method.getName().equals("getConnection") && refuseListener.get()) {
                    throw new SQLException("connection refused (test)", "08001");
                }
                try {
                    return method.invoke(pool, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    @AfterEach
    void close() {
        notifications.close();
        pool.close();
    }

    private ProjectionRunner runner(Duration pollInterval, boolean woken) {
        JdbcCheckpointStore checkpoints = CheckpointStore.jdbc(pool);
        checkpoints.createSchema();
        ProjectionRunner.Builder builder = ProjectionRunner.builder(store).checkpoints(checkpoints)
            .pollInterval(pollInterval).register(JdbcBalances.projection());
        if (woken) {
            builder.wakeUpSource(notifications::subscribe);
        }
        return builder.build();
    }

    @Test
    void a_live_projection_sees_a_new_event_long_before_its_poll_interval() throws Exception {
        // given: a live projection that polls once an hour
        AppendResult before = store.append("account-1", ExpectedVersion.noStream(), List.of(deposited(5)));
        notifications.start();
        assertThat(notifications.awaitConnected(WAIT)).isTrue();
        try (var runner = runner(HOUR_POLL, true)) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, before.lastPosition(), WAIT)).isTrue();
            await().atMost(WAIT).until(() -> runner.status(JdbcBalances.NAME).state() == ProjectionState.LIVE);
            // when
            AppendResult live = store.append("account-2", ExpectedVersion.noStream(), List.of(deposited(7)));
            // then
            assertThat(runner.awaitPosition(JdbcBalances.NAME, live.lastPosition(), WAIT)).isTrue();
            assertThat(JdbcBalances.total(pool)).isEqualTo(12);
        }
    }

    @Test
    void without_a_wake_up_source_the_same_projection_waits_for_its_poll() throws Exception {
        // given: the control: the same hourly-polling projection, not subscribed
        AppendResult before = store.append("account-1", ExpectedVersion.noStream(), List.of(deposited(5)));
        notifications.start();
        try (var runner = runner(HOUR_POLL, false)) {
            runner.start();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, before.lastPosition(), WAIT)).isTrue();
            await().atMost(WAIT).until(() -> runner.status(JdbcBalances.NAME).state() == ProjectionState.LIVE);
            // when
            AppendResult live = store.append("account-2", ExpectedVersion.noStream(), List.of(deposited(7)));
            // then: still not applied after a while; a wake() delivers it
            assertThat(runner.awaitPosition(JdbcBalances.NAME, live.lastPosition(), Duration.ofSeconds(1))).isFalse();
            runner.wake();
            assertThat(runner.awaitPosition(JdbcBalances.NAME, live.lastPosition(), WAIT)).isTrue();
        }
    }

    @Test
    void when_the_listener_backend_is_killed_polling_carries_on_and_the_listener_reconnects() throws Exception {
        // given
        notifications.start();
        assertThat(notifications.awaitConnected(WAIT)).isTrue();
        try (var runner = runner(Duration.ofMillis(300), true)) {
            runner.start();
            int pid = notifications.backendPid();
            // when: the listening backend is terminated and, for a while, cannot be replaced
            refuseListener.set(true);
            terminate(pid);
            await().atMost(WAIT).until(() -> !notifications.isConnected());
            AppendResult whileDown = store.append("account-1", ExpectedVersion.noStream(), List.of(deposited(5)));
            // then: polling delivers it
            assertThat(runner.awaitPosition(JdbcBalances.NAME, whileDown.lastPosition(), WAIT)).isTrue();
            assertThat(notifications.isConnected()).isFalse();
            // when the database is reachable again
            refuseListener.set(false);
            assertThat(notifications.awaitConnected(WAIT)).isTrue();
            long received = notifications.notificationsReceived();
            AppendResult after = store.append("account-2", ExpectedVersion.noStream(), List.of(deposited(7)));
            // then: notifications flow again and the projection keeps up
            assertThat(runner.awaitPosition(JdbcBalances.NAME, after.lastPosition(), WAIT)).isTrue();
            await().atMost(WAIT).until(() -> notifications.notificationsReceived() > received);
            assertThat(notifications.reconnects()).isEqualTo(1);
            assertThat(notifications.backendPid()).isNotEqualTo(pid);
            assertThat(JdbcBalances.total(pool)).isEqualTo(12);
        }
    }

    private static void terminate(int pid) throws SQLException {
        try (Connection admin = PostgresTestServer.shared().connect();
             PreparedStatement statement = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.execute();
        }
    }
}
