package dev.eventline.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.EventData;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.StorageException;
import dev.eventline.jdbc.testing.CommitHookDataSource;
import dev.eventline.jdbc.testing.PostgresTestServer;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** LISTEN/NOTIFY wake-ups on a real PostgreSQL: sent on commit only, received once, and survives a lost backend. */
class PostgresNotificationsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Channels are per database and the test schemas share one: a fresh channel per test. */
    private final String channel = "el_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private HikariDataSource pool;
    private CommitHookDataSource hooked;
    private JdbcEventStore store;
    private RefusingDataSource listenerSource;
    private PostgresNotifications notifications;

    @BeforeEach
    void createStoreAndListener() throws InterruptedException {
        pool = PostgresTestServer.shared().newSchema(6);
        hooked = new CommitHookDataSource(pool);
        store = JdbcEventStore.builder(hooked).appendHook(PostgresNotifications.appendHook(channel)).build();
        store.createSchema();
        listenerSource = new RefusingDataSource(pool);
        notifications = PostgresNotifications.builder(listenerSource).channel(channel)
            .maxBackoff(Duration.ofMillis(200)).build();
        notifications.start();
        assertThat(notifications.awaitConnected(WAIT)).isTrue();
    }

    @AfterEach
    void close() {
        notifications.close();
        pool.close();
    }

    @Test
    void a_committed_append_wakes_every_subscriber_and_a_closed_subscription_no_longer_does() throws Exception {
        // given
        AtomicInteger first = new AtomicInteger();
        AtomicInteger second = new AtomicInteger();
        notifications.subscribe(first::incrementAndGet);
        AutoCloseable secondSubscription = notifications.subscribe(second::incrementAndGet);
        // when
        store.append("a", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        // then
        await().atMost(WAIT).until(() -> first.get() >= 1 && second.get() >= 1);
        // and when the second unsubscribes
        secondSubscription.close();
        int secondBefore = second.get();
        int firstBefore = first.get();
        store.append("b", ExpectedVersion.noStream(), List.of(EventData.of("B", "{}")));
        await().atMost(WAIT).until(() -> first.get() > firstBefore);
        assertThat(second.get()).isEqualTo(secondBefore);
    }

    @Test
    void a_rolled_back_append_sends_nothing_and_the_payload_is_the_last_position() throws Exception {
        // given: a raw listener on its own connection, to see the payloads
        try (Connection listener = PostgresTestServer.shared().connect()) {
            try (var statement = listener.createStatement()) {
                statement.execute("LISTEN " + channel);
            }
            org.postgresql.PGConnection pg = listener.unwrap(org.postgresql.PGConnection.class);
            hooked.beforeCommit(connection -> {
                throw new SQLException("injected rollback", "40001");
            });
            try {
                store.append("lost", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
            } catch (StorageException expected) {
                assertThat(expected.isRetryable()).isTrue();
            }
            hooked.beforeCommit(connection -> { });
            // when
            var kept = store.append("kept", ExpectedVersion.noStream(),
                List.of(EventData.of("A", "{}"), EventData.of("B", "{}")));
            // then: exactly one notification, the committed one, naming its last position
            List<org.postgresql.PGNotification> received = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < deadline) {
                org.postgresql.PGNotification[] batch = pg.getNotifications(200);
                if (batch != null) {
                    received.addAll(List.of(batch));
                }
            }
            assertThat(received).singleElement().satisfies(notification -> {
                assertThat(notification.getName()).isEqualTo(channel);
                assertThat(notification.getParameter()).isEqualTo(kept.lastPosition().commit() + ":"
                    + kept.lastPosition().position());
            });
        }
    }

    @Test
    void a_terminated_listener_backend_is_replaced_after_a_backoff_and_subscribers_are_woken_once_on_reconnect()
        throws Exception {
        // given
        AtomicInteger wakeUps = new AtomicInteger();
        notifications.subscribe(wakeUps::incrementAndGet);
        int pid = notifications.backendPid();
        assertThat(pid).isPositive();
        listenerSource.refuse.set(true);
        // when: the listener's backend dies and, for now, no new connection can be had
        terminate(pid);
        await().atMost(WAIT).until(() -> !notifications.isConnected());
        store.append("while-down", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        int whileDown = wakeUps.get();
        listenerSource.refuse.set(false);
        // then: it reconnects on a new backend and wakes the subscribers once for what it may have missed
        assertThat(notifications.awaitConnected(WAIT)).isTrue();
        assertThat(notifications.backendPid()).isNotEqualTo(pid);
        assertThat(notifications.reconnects()).isEqualTo(1);
        await().atMost(WAIT).until(() -> wakeUps.get() > whileDown);
        // and notifications flow again
        long received = notifications.notificationsReceived();
        store.append("after", ExpectedVersion.noStream(), List.of(EventData.of("A", "{}")));
        await().atMost(WAIT).until(() -> notifications.notificationsReceived() > received);
    }

    @Test
    void channel_names_must_be_plain_identifiers() {
        assertThatThrownBy(() -> PostgresNotifications.appendHook("x; DROP TABLE el_events"))
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("channel");
        assertThatThrownBy(() -> PostgresNotifications.builder(pool).channel("Upper").build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("[a-z_][a-z0-9_]{0,62}");
        assertThatThrownBy(() -> PostgresNotifications.builder(pool).maxBackoff(Duration.ZERO).build())
            .isInstanceOf(ConfigurationException.class).hasMessageContaining("maxBackoff");
    }

    @Test
    void start_twice_is_refused_and_close_is_idempotent() {
        assertThatThrownBy(notifications::start).isInstanceOf(IllegalStateException.class);
        notifications.close();
        notifications.close();
        assertThat(notifications.isConnected()).isFalse();
    }

    static void terminate(int pid) throws SQLException {
        try (Connection admin = PostgresTestServer.shared().connect();
             PreparedStatement statement = admin.prepareStatement("SELECT pg_terminate_backend(?)")) {
            statement.setInt(1, pid);
            statement.execute();
        }
    }

    /** Hands out the pool's connections, or refuses while {@link #refuse} is set (a server that is down). */
    static final class RefusingDataSource implements DataSource {
        final AtomicBoolean refuse = new AtomicBoolean();
        private final DataSource delegate;

        RefusingDataSource(DataSource delegate) {
            this.delegate = delegate;
        }

        @Override
        public Connection getConnection() throws SQLException {
            if (refuse.get()) {
                throw new SQLException("connection refused (test)", "08001");
            }
            return delegate.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return delegate.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            delegate.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            delegate.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return delegate.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() {
            return Logger.getLogger("test");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return delegate.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return delegate.isWrapperFor(type);
        }
    }
}
