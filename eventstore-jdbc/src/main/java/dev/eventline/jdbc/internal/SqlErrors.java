package dev.eventline.jdbc.internal;

import dev.eventline.core.StorageException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/** Turns every {@link SQLException} into a {@link StorageException} that says whether a retry can help. */
public final class SqlErrors {

    /** Unique violation, the same code on PostgreSQL and H2. */
    public static final String UNIQUE_VIOLATION = "23505";

    /**
     * States after which the same call may succeed: serialization failures, deadlocks, cancelled statements
     * (timeouts), terminated backends, a server starting or shutting down, lock timeouts, too many connections.
     */
    private static final Set<String> RETRYABLE = Set.of("40001", "40P01", "57014", "57P01", "57P02", "57P03",
        "55P03", "53300", "53400", "HYT00", "25P03");

    private static final int MAX_MESSAGE = 300;

    private SqlErrors() {
    }

    /**
     * @param action what was being done, e.g. "Appending to stream 'a'"
     * @param e the driver's exception
     * @return the storage exception to throw, keeping the cause and the SQLState
     */
    public static StorageException translate(String action, SQLException e) {
        String state = sqlState(e);
        boolean retryable = isRetryable(e, state);
        String hint = retryable
            ? "The database or the connection failed transiently; retry the call (appends are idempotent by event id)."
            : "Check the database, its schema (createSchema()) and the role's privileges.";
        return new StorageException(action + " failed (SQLState: " + state + ", error: " + describe(e) + "). " + hint,
            state, retryable, e);
    }

    /**
     * The driver's own words, without the statement text a batch failure quotes (it would echo every bound value,
     * payloads included), and bounded in length.
     */
    private static String describe(SQLException e) {
        SQLException specific = e;
        if (e instanceof BatchUpdateException && e.getNextException() != null) {
            specific = e.getNextException();
        }
        String message = String.valueOf(specific.getMessage());
        if (e instanceof BatchUpdateException && specific == e) {
            int aborted = message.indexOf(" was aborted: ");
            message = aborted >= 0 ? "batch aborted: " + message.substring(aborted + 14) : "batch failed";
        }
        return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
    }

    /**
     * @param e a driver exception, possibly wrapping others
     * @return the first SQLState found in the chain, or "" when there is none
     */
    public static String sqlState(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        return "";
    }

    /**
     * @param e a driver exception
     * @return true when it reports a unique-key violation
     */
    public static boolean isUniqueViolation(SQLException e) {
        for (SQLException next = e; next != null; next = next.getNextException()) {
            if (UNIQUE_VIOLATION.equals(next.getSQLState())) {
                return true;
            }
            if (next.getCause() instanceof SQLException cause && UNIQUE_VIOLATION.equals(cause.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isRetryable(SQLException e, String state) {
        return state.startsWith("08") || RETRYABLE.contains(state)
            || e instanceof SQLTransientException || e instanceof SQLRecoverableException;
    }
}
