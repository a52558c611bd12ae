package dev.eventline.jdbc.testing;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over a real one that runs a test's hook just before each {@code commit()}: to sleep inside
 * the transaction (forcing out-of-order commits), to hold a transaction open, to roll it back instead, or to kill
 * the connection's backend; and hooks before each {@code prepareStatement(...)} and {@code close()}. Nothing about
 * the database is faked: every statement still runs on the real server.
 * <p>
 * Thread-safety: safe for concurrent use; the hook is called on the committing thread.
 */
public final class CommitHookDataSource implements DataSource {

    /** Runs before a commit; throwing makes the commit fail (the transaction is then rolled back). */
    @FunctionalInterface
    public interface BeforeCommit {
        /**
         * @param connection the connection about to commit
         * @throws SQLException to make the commit fail
         */
        void run(Connection connection) throws SQLException;
    }

    private final DataSource delegate;
    private volatile BeforeCommit hook = connection -> { };
    private volatile BeforeCommit beforeClose = connection -> { };
    private volatile BeforeCommit beforePrepare = connection -> { };

    /** @param delegate the real data source */
    public CommitHookDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /** @param hook what to run before each commit from now on */
    public void beforeCommit(BeforeCommit hook) {
        this.hook = hook;
    }

    /** @param hook what to run before each {@code close()} from now on (e.g. to inspect the connection's state) */
    public void beforeClose(BeforeCommit hook) {
        this.beforeClose = hook;
    }

    /**
     * @param hook what to run before each {@code prepareStatement(...)} from now on, on the real connection (e.g.
     *     to take a transaction id early, or to pause a writer inside its transaction)
     */
    public void beforePrepare(BeforeCommit hook) {
        this.beforePrepare = hook;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection real) {
        InvocationHandler handler = (proxy, method, args) -> invoke(real, (Connection) proxy, method, args);
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class}, handler);
    }

    private Object invoke(Connection real, Connection proxy, Method method, Object[] args) throws Throwable {
        if (method.getName().equals("commit") && method.getParameterCount() == 0) {
            try {
                hook.run(proxy);
            } catch (SQLException e) {
                try {
                    real.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
        if (method.getName().equals("prepareStatement")) {
            beforePrepare.run(real);
        }
        if (method.getName().equals("close") && method.getParameterCount() == 0 && !real.isClosed()) {
            beforeClose.run(real);
        }
        try {
            return method.invoke(real, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
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
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return delegate.isWrapperFor(iface);
    }
}
