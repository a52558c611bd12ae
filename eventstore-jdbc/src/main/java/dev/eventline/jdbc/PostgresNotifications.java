package dev.eventline.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.eventline.core.ConfigurationException;
import dev.eventline.jdbc.internal.Identifiers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wake-ups on PostgreSQL: appends {@code NOTIFY} a channel when they commit, and one dedicated connection
 * {@code LISTEN}s to it and calls the registered subscribers (a projection runner's {@code wake}, a tailing reader).
 * <p>
 * Opt-in, in two parts. The sending side is {@link #appendHook(String)}: add it to the {@link JdbcEventStore}
 * builder and every append sends one small notification (the channel, with the last position as payload) inside
 * its transaction. PostgreSQL delivers it only when that transaction commits, after its rows are visible. Cost: a
 * transaction that notifies takes a database-wide lock at commit, so notifying appends commit one at a time; that
 * costs throughput when many writers append concurrently (measure yours: the benchmarks module's
 * {@code NotifyAppendBenchmark}). The receiving side is an instance of this class: it holds
 * one connection of the data source for its whole life (with HikariCP, count it in the pool size). When that
 * connection dies (a restart, {@code pg_terminate_backend}, a network cut) the subscribers are no longer woken
 * early, so they must keep polling; this class reconnects with backoff (100 ms doubling to
 * {@link #DEFAULT_MAX_BACKOFF}) and wakes every subscriber once after reconnecting, since notifications sent
 * in between are lost. A notification is a hint, never the data: subscribers read the log to see what changed.
 * <p>
 * Thread-safety: safe for concurrent use. Subscribers are called on the listener's thread, so they must return
 * quickly (signal a condition, not read the log). {@link #close()} stops the thread and closes the connection.
 * <pre>{@code
 * JdbcEventStore store = JdbcEventStore.builder(dataSource)
 *     .appendHook(PostgresNotifications.appendHook(PostgresNotifications.DEFAULT_CHANNEL))
 *     .build();
 * try (PostgresNotifications notifications = PostgresNotifications.builder(dataSource).build()) {
 *     notifications.start();
 *     AutoCloseable subscription = notifications.subscribe(() -> System.out.println("new events"));
 *     ...
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class PostgresNotifications implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresNotifications.class);

    /** The channel used when none is given: one per database, so name it per store when several share one. */
    public static final String DEFAULT_CHANNEL = "eventline_appends";
    /** 5 s: a restarting server is not hammered, and a recovered one is back in use within seconds. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
    /** 500 ms: how long one wait for notifications lasts, which bounds how long {@link #close()} waits. */
    static final int RECEIVE_TIMEOUT_MILLIS = 500;
    private static final long FIRST_BACKOFF_MILLIS = 100;

    private final DataSource dataSource;
    private final String channel;
    private final Duration maxBackoff;
    private final ThreadFactory threadFactory;
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition connectedChanged = lock.newCondition();
    private final AtomicLong notificationsReceived = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private boolean started;
    private volatile boolean closed;
    private boolean connected;
    private Connection connection;
    private Thread thread;

    private PostgresNotifications(Builder builder) {
        this.dataSource = builder.dataSource;
        this.channel = builder.channel;
        this.maxBackoff = builder.maxBackoff;
        this.threadFactory = builder.threadFactory;
    }

    /**
     * @param dataSource where to take the listening connection from (the database the events are appended to)
     * @return a builder
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * An {@link AppendHook} that notifies {@code channel} when the append commits, with the append's last log
     * position ({@code commit:position}) as the payload. Add it to the store's builder; see the class comment for
     * its cost.
     *
     * @param channel the channel, {@code [a-z_][a-z0-9_]{0,62}}
     * @return the hook
     * @throws ConfigurationException when the channel is not a valid identifier
     */
    public static AppendHook appendHook(String channel) {
        String checked = Identifiers.check("channel", Objects.requireNonNull(channel, "channel"), false);
        return (connection, appended) -> {
            try (PreparedStatement notify = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                notify.setString(1, checked);
                notify.setString(2, appended.lastPosition().commit() + ":" + appended.lastPosition().position());
                notify.execute();
            }
        };
    }

    /** @return the channel listened to */
    public String channel() {
        return channel;
    }

    /**
     * Starts the listening thread; it connects in the background (so a database that is down does not fail the
     * caller) and keeps reconnecting until {@link #close()}.
     *
     * @throws IllegalStateException when already started or closed
     */
    public void start() {
        lock.lock();
        try {
            if (started || closed) {
                throw new IllegalStateException("the notification listener is already " + (closed ? "closed"
                    : "started") + "; build a new one to start again.");
            }
            started = true;
            thread = threadFactory.newThread(this::listen);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls {@code subscriber} on the listener's thread after each batch of notifications, and once after each
     * reconnect. Keep it short and non-blocking.
     *
     * @param subscriber what to run, e.g. {@code runner::wake}
     * @return closing it removes the subscriber (idempotent)
     */
    public AutoCloseable subscribe(Runnable subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }

    /** @return true while the listening connection is open and {@code LISTEN}ing */
    public boolean isConnected() {
        lock.lock();
        try {
            return connected;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the listener is connected, e.g. before appending in a test that expects a notification.
     *
     * @param timeout the longest wait
     * @return true when connected
     * @throws InterruptedException when interrupted
     */
    public boolean awaitConnected(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (!connected && nanos > 0 && !closed) {
                nanos = connectedChanged.awaitNanos(nanos);
            }
            return connected;
        } finally {
            lock.unlock();
        }
    }

    /** @return notifications received since the start (several sent close together may arrive as one batch) */
    public long notificationsReceived() {
        return notificationsReceived.get();
    }

    /** @return how many times the listening connection was opened again after it failed */
    public long reconnects() {
        return reconnects.get();
    }

    /**
     * @return the backend process id of the listening connection, or 0 when not connected (for monitoring, and
     *     for tests that terminate it)
     */
    public int backendPid() {
        lock.lock();
        try {
            return connected ? pgConnection(connection).getBackendPID() : 0;
        } catch (SQLException e) {
            return 0;
        } finally {
            lock.unlock();
        }
    }

    private void listen() {
        int failures = 0;
        boolean everConnected = false;
        while (!closed) {
            Connection opened = null;
            try {
                opened = dataSource.getConnection();
                opened.setAutoCommit(true);
                PGConnection pg = pgConnection(opened);
                try (Statement statement = opened.createStatement()) {
                    statement.execute("LISTEN " + channel);
                }
                if (everConnected) {
                    reconnects.incrementAndGet();
                }
                setConnected(opened, true);
                if (everConnected) {
                    // notifications sent while disconnected are lost: let every subscriber look once
                    fire();
                }
                everConnected = true;
                failures = 0;
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(RECEIVE_TIMEOUT_MILLIS);
                    if (received != null && received.length > 0) {
                        notificationsReceived.addAndGet(received.length);
                        fire();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                failures++;
                long backoff = backoffMillis(failures);
                LOG.warn("the notification listener on channel '{}' lost its connection (attempt {}); subscribers "
                    + "keep polling, reconnecting in {} ms: {}", channel, failures, backoff, e.toString());
                setConnected(null, false);
                discard(opened);
                opened = null;
                sleep(backoff);
            } finally {
                if (opened != null) {
                    setConnected(null, false);
                    unlistenAndClose(opened);
                }
            }
        }
    }

    private static PGConnection pgConnection(Connection connection) throws SQLException {
        if (connection.isWrapperFor(PGConnection.class)) {
            return connection.unwrap(PGConnection.class);
        }
        throw new ConfigurationException("the notification listener needs a PostgreSQL connection (got "
            + connection.getMetaData().getDatabaseProductName() + "). Use it only with PostgreSQL; other databases "
            + "are polled.");
    }

    private long backoffMillis(int failures) {
        long base = Math.min(maxBackoff.toMillis(), FIRST_BACKOFF_MILLIS << Math.min(failures - 1, 20));
        return (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble() / 2));
    }

    private void fire() {
        for (Runnable subscriber : subscribers) {
            try {
                subscriber.run();
            } catch (RuntimeException e) {
                LOG.warn("a notification subscriber on channel '{}' failed; it stays subscribed: {}", channel,
                    e.toString());
            }
        }
    }

    private void setConnected(Connection current, boolean value) {
        lock.lock();
        try {
            connection = current;
            connected = value;
            connectedChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void sleep(long millis) {
        lock.lock();
        try {
            long nanos = TimeUnit.MILLISECONDS.toNanos(millis);
            while (!closed && nanos > 0) {
                nanos = connectedChanged.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes a connection that failed so that its pool does not hand it out again: the failure happened on the
     * unwrapped driver connection, which a pool's proxy never saw.
     */
    private void discard(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            if (dataSource.isWrapperFor(HikariDataSource.class)) {
                dataSource.unwrap(HikariDataSource.class).evictConnection(connection);
                return;
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("evicting the failed listening connection failed: {}", e.toString());
        }
        try (Statement probe = connection.createStatement()) {
            // a statement through the pool's proxy that fails with SQLSTATE 08xxx marks the connection broken
            probe.execute("SELECT 1");
        } catch (SQLException e) {
            LOG.debug("the failed listening connection is broken, as expected: {}", e.toString());
        }
        closeQuietly(connection);
    }

    /** Returns a healthy connection to its pool without the subscription, so no one else receives our channel. */
    private static void unlistenAndClose(Connection connection) {
        try (Statement statement = connection.createStatement()) {
            statement.execute("UNLISTEN *");
        } catch (SQLException e) {
            LOG.debug("UNLISTEN on the listening connection failed before closing it: {}", e.toString());
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing a failed listening connection failed too: {}", e.toString());
        }
    }

    /** Stops listening and closes the connection, waiting up to about a second for the thread. Idempotent. */
    @Override
    public void close() {
        Thread running;
        lock.lock();
        try {
            if (closed && thread == null) {
                return;
            }
            closed = true;
            connectedChanged.signalAll();
            running = thread;
            thread = null;
        } finally {
            lock.unlock();
        }
        if (running != null) {
            try {
                running.join(RECEIVE_TIMEOUT_MILLIS * 3L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresNotifications[channel=" + channel + ", connected=" + isConnected() + "]";
    }

    /**
     * Configures a {@link PostgresNotifications}.
     * <p>
     * Thread-safety: not thread-safe; build on one thread.
     */
    public static final class Builder {
        private final DataSource dataSource;
        private String channel = DEFAULT_CHANNEL;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private ThreadFactory threadFactory;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * @param channel the channel to listen to, {@code [a-z_][a-z0-9_]{0,62}} (default
         *     {@value PostgresNotifications#DEFAULT_CHANNEL}); the same as the store's {@link #appendHook}
         * @return this builder
         */
        public Builder channel(String channel) {
            this.channel = Objects.requireNonNull(channel, "channel");
            return this;
        }

        /**
         * @param maxBackoff the longest wait between reconnection attempts (default 5 s), at least 10 ms
         * @return this builder
         */
        public Builder maxBackoff(Duration maxBackoff) {
            this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
            return this;
        }

        /**
         * @param threadFactory makes the listening thread (default: a daemon thread named
         *     {@code eventline-notifications-<channel>})
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory");
            return this;
        }

        /**
         * @return the listener, not started
         * @throws ConfigurationException when the channel is not a valid identifier or the backoff is too short
         */
        public PostgresNotifications build() {
            Identifiers.check("channel", channel, false);
            if (maxBackoff.compareTo(Duration.ofMillis(10)) < 0) {
                throw new ConfigurationException("maxBackoff must be >= 10 ms (maxBackoff: " + maxBackoff + ").");
            }
            if (threadFactory == null) {
                String name = "eventline-notifications-" + channel;
                threadFactory = runnable -> {
                    Thread thread = new Thread(runnable, name);
                    thread.setDaemon(true);
                    return thread;
                };
            }
            return new PostgresNotifications(this);
        }
    }
}
