package dev.eventline.examples.bank.readmodel;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.eventline.core.RecordedEvent;
import dev.eventline.examples.bank.user.UserEvent.UserActionRecorded;
import dev.eventline.examples.bank.user.UserEvent.UserLoggedIn;
import dev.eventline.examples.bank.user.UserEvent.UserLoggedOut;
import dev.eventline.examples.bank.user.UserEvent.UserRegistered;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code user_activity} read model: each user's registration, login sessions, actions, and one timeline of
 * everything the user did.
 */
public final class UserActivityModel implements ReadModel {

    /** The model's name. */
    public static final String NAME = "user_activity";

    /**
     * A user's activity as {@code GetUserActivity} answers it.
     *
     * @param userId the user
     * @param name the user's name
     * @param email the user's e-mail address
     * @param registeredAt when the user registered
     * @param sessions the login sessions, oldest first
     * @param actions the recorded actions, oldest first
     * @param timeline every event of the user, oldest first
     */
    public record Activity(String userId, String name, String email, Instant registeredAt, List<Session> sessions,
                           List<Action> actions, List<TimelineEntry> timeline) {
    }

    /**
     * A login session.
     *
     * @param session its number for the user
     * @param startedAt the login time
     * @param endedAt the logout time, absent while it is open
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Session(long session, Instant startedAt, Instant endedAt) {
    }

    /**
     * An action.
     *
     * @param action what the user did
     * @param timestamp when
     */
    public record Action(String action, Instant timestamp) {
    }

    /**
     * A timeline entry.
     *
     * @param type {@code registered}, {@code logged_in}, {@code logged_out} or {@code action}
     * @param detail the action, or the session number
     * @param timestamp when
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TimelineEntry(String type, String detail, Instant timestamp) {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> tables() {
        return List.of("users", "sessions", "timeline");
    }

    @Override
    public List<String> createStatements(Tables t) {
        return List.of(
            "CREATE TABLE IF NOT EXISTS " + t.name("users") + " (user_id VARCHAR(200) PRIMARY KEY, "
                + "name VARCHAR(200) NOT NULL, email VARCHAR(254) NOT NULL, registered_at " + Sql.timestampType()
                + " NOT NULL)",
            "CREATE TABLE IF NOT EXISTS " + t.name("sessions") + " (user_id VARCHAR(200) NOT NULL, "
                + "session BIGINT NOT NULL, started_at " + Sql.timestampType() + " NOT NULL, ended_at "
                + Sql.timestampType() + ", PRIMARY KEY (user_id, session))",
            "CREATE TABLE IF NOT EXISTS " + t.name("timeline") + " (user_id VARCHAR(200) NOT NULL, "
                + "version BIGINT NOT NULL, type VARCHAR(20) NOT NULL, detail VARCHAR(200), recorded_at "
                + Sql.timestampType() + " NOT NULL, PRIMARY KEY (user_id, version))");
    }

    @Override
    public void apply(Connection c, Tables t, RecordedEvent recorded, Object event) throws SQLException {
        Instant at = recorded.recordedAt();
        if (event instanceof UserRegistered registered) {
            Sql.update(c, "INSERT INTO " + t.name("users") + " (user_id, name, email, registered_at) "
                + "VALUES (?, ?, ?, ?)", registered.userId(), registered.name(), registered.email(), at);
            timeline(c, t, recorded, registered.userId(), "registered", null);
        } else if (event instanceof UserLoggedIn loggedIn) {
            Sql.update(c, "INSERT INTO " + t.name("sessions") + " (user_id, session, started_at) VALUES (?, ?, ?)",
                loggedIn.userId(), loggedIn.session(), at);
            timeline(c, t, recorded, loggedIn.userId(), "logged_in", Long.toString(loggedIn.session()));
        } else if (event instanceof UserLoggedOut loggedOut) {
            Sql.update(c, "UPDATE " + t.name("sessions") + " SET ended_at = ? WHERE user_id = ? AND session = ?",
                at, loggedOut.userId(), loggedOut.session());
            timeline(c, t, recorded, loggedOut.userId(), "logged_out", Long.toString(loggedOut.session()));
        } else if (event instanceof UserActionRecorded action) {
            timeline(c, t, recorded, action.userId(), "action", action.action());
        }
    }

    private static void timeline(Connection c, Tables t, RecordedEvent recorded, String userId, String type,
                                 String detail) throws SQLException {
        Sql.update(c, "INSERT INTO " + t.name("timeline") + " (user_id, version, type, detail, recorded_at) "
            + "VALUES (?, ?, ?, ?, ?)", userId, recorded.version(), type, detail, recorded.recordedAt());
    }

    /**
     * @param c a connection
     * @param t the current generation's tables
     * @param userId the user
     * @return the user's activity, empty when unknown
     * @throws SQLException when the database fails
     */
    public static Optional<Activity> activity(Connection c, Tables t, String userId) throws SQLException {
        String name;
        String email;
        Instant registeredAt;
        try (PreparedStatement statement = c.prepareStatement("SELECT name, email, registered_at FROM "
            + t.name("users") + " WHERE user_id = ?")) {
            statement.setString(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                name = rows.getString(1);
                email = rows.getString(2);
                registeredAt = Sql.instant(rows, "registered_at");
            }
        }
        var sessions = new ArrayList<Session>();
        try (PreparedStatement statement = c.prepareStatement("SELECT session, started_at, ended_at FROM "
            + t.name("sessions") + " WHERE user_id = ? ORDER BY session")) {
            statement.setString(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    sessions.add(new Session(rows.getLong(1), Sql.instant(rows, "started_at"),
                        Sql.instant(rows, "ended_at")));
                }
            }
        }
        var actions = new ArrayList<Action>();
        var timeline = new ArrayList<TimelineEntry>();
        try (PreparedStatement statement = c.prepareStatement("SELECT type, detail, recorded_at FROM "
            + t.name("timeline") + " WHERE user_id = ? ORDER BY version")) {
            statement.setString(1, userId);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    var entry = new TimelineEntry(rows.getString(1), rows.getString(2),
                        Sql.instant(rows, "recorded_at"));
                    timeline.add(entry);
                    if (entry.type().equals("action")) {
                        actions.add(new Action(entry.detail(), entry.timestamp()));
                    }
                }
            }
        }
        return Optional.of(new Activity(userId, name, email, registeredAt, sessions, actions, timeline));
    }
}
