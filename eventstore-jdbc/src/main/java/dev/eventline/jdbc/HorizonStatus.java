package dev.eventline.jdbc;

import java.time.Duration;
import java.util.Objects;

/**
 * Who holds back the global log: the oldest open transaction that has written (or prepared) anything.
 * <p>
 * On PostgreSQL {@link JdbcEventStore#readAll} only hands out events below the oldest running transaction id, so a
 * transaction left open (an idle session in a transaction, a forgotten prepared transaction, a long batch job),
 * in any database of the cluster, stops every subscriber until it ends. This record names it so that operators
 * can end it. On H2 nothing holds the log back and the age is always zero.
 *
 * @param age how long the oldest holder has been open ({@link Duration#ZERO} when none)
 * @param holder a description of it: pid, database, user, application and state, or the prepared transaction's
 *     global id; "" when none
 * @param pid the backend's process id, or 0 when the holder is a prepared transaction or there is none
 * @param warnThreshold the age above which the store logs a warning and reports unhealthy
 * @since 0.1
 */
public record HorizonStatus(Duration age, String holder, long pid, Duration warnThreshold) {

    /** Validates the fields. */
    public HorizonStatus {
        Objects.requireNonNull(age, "age");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(warnThreshold, "warnThreshold");
    }

    /** @return true when no transaction has held the log back for longer than the threshold */
    public boolean isHealthy() {
        return age.compareTo(warnThreshold) <= 0;
    }
}
