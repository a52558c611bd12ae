package dev.eventline.projections.internal;

import dev.eventline.core.StorageException;
import java.sql.SQLException;

/** Translates SQLExceptions at the module boundary and classifies which ones a retry can cure. */
public final class Sql {
    private Sql() {
    }

    /**
     * @param what what was being done, for the message
     * @param exception the failure
     * @return the exception to throw
     */
    public static StorageException translate(String what, SQLException exception) {
        return new StorageException(what + " failed (SQLState: " + exception.getSQLState() + ", message: "
            + exception.getMessage() + "). Check the database connection; the runner retries transient failures.",
            exception.getSQLState(), isTransient(exception), exception);
    }

    /**
     * @param failure any failure
     * @return true when it, or a cause, is an SQL failure a retry can cure (lost connection, deadlock,
     *     serialization failure, shutdown, resources)
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable current = failure; current != null; current = current.getCause()) {
            if (current instanceof StorageException storage && storage.isRetryable()) {
                return true;
            }
            if (current instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state == null) {
                    return true;
                }
                if (state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
                    || state.startsWith("57") || state.equals("HYT00") || state.equals("90067")
                    || state.equals("90121") || state.equals("90098")) {
                    return true;
                }
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return false;
    }

    /**
     * @param exception a failure
     * @return true when it is a unique-key violation (SQLState 23505 on PostgreSQL and H2)
     */
    public static boolean isUniqueViolation(SQLException exception) {
        return "23505".equals(exception.getSQLState());
    }
}
