package dev.eventline.projections;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A DataSource that can crash like a dying process: {@link #kill()} aborts every open connection (the database
 * rolls their transactions back) and refuses new ones; commits can be made to fail before or after they reach the
 * database. A hand-written fake over a real database, not a mock.
 */
final class KillableDataSource implements DataSource {

    /** Whether a failing commit is lost (rolled back) or applied with the reply lost. */
    enum CommitFault { NONE, BEFORE_COMMIT, AFTER_COMMIT }

    private final DataSource delegate;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger commits = new AtomicInteger();
    private volatile boolean killed;
    private volatile IntPredicate failingCommit = commit -> false;
    private volatile CommitFault fault = CommitFault.NONE;

    KillableDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** Makes the n-th commits (1-based, counted from now on) for which {@code which} holds fail this way. */
    void failCommits(CommitFault fault, IntPredicate which) {
        commits.set(0);
        this.fault = fault;
        this.failingCommit = which;
    }

    int faultsInjected() {
        return injected.get();
    }

    private final AtomicInteger injected = new AtomicInteger();

    void kill() {
        killed = true;
        for (Connection connection : open) {
            abort(connection);
        }
    }

    /**
     * Aborts one open connection picked at random, as a network cut or a terminated backend would: its
     * transaction rolls back and its next use fails; the pool keeps working.
     *
     * @return true when there was an open connection to abort
     */
    boolean abortOne(java.util.Random random) {
        var connections = new java.util.ArrayList<>(open);
        if (connections.isEmpty()) {
            return false;
        }
        Connection victim = connections.get(random.nextInt(connections.size()));
        open.remove(victim);
        abort(victim);
        return true;
    }

    private static void abort(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone: that is what we wanted
            }
        }
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (killed) {
            throw new SQLException("connection refused: the process is dead", "08001");
        }
        Connection real = delegate.getConnection();
        open.add(real);
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
                if (killed && !method.getName().equals("close")) {
                    throw new SQLException("connection lost: the process is dead", "08006");
                }
                if (method.getName().equals("commit") && fault != CommitFault.NONE
                    && failingCommit.test(commits.incrementAndGet())) {
                    injected.incrementAndGet();
                    if (fault == CommitFault.AFTER_COMMIT) {
                        real.commit();
                    }
                    abort(real);
                    open.remove(real);
                    throw new SQLException("connection lost during commit (injected)", "08006");
                }
                if (method.getName().equals("close")) {
                    open.remove(real);
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("not used by the tests");
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
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
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
