package dev.eventline.examples.bank.app;

import dev.eventline.examples.bank.http.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Makes commands with a {@code command_id} (or {@code Idempotency-Key}) idempotent, durably, in the bank's
 * database.
 * <p>
 * The first request with an id claims it (a row marked running); when it succeeds the row keeps its answer,
 * which every later request with the same id gets back without running anything. A request with the same id but
 * another content is refused (422); one arriving while the first still runs gets 409. A failed command releases
 * its id, so the caller may retry it. A claim left running by a crash is resolved after
 * {@link #STALE_AFTER}: the caller looks for the events the command wrote (they carry the id in their metadata)
 * before running it again.
 * <p>
 * Thread-safety: safe for concurrent use, also across processes sharing the database (the primary key decides).
 */
public final class CommandDeduplicator {

    /** A running claim older than this is taken to be left behind by a crash. */
    public static final Duration STALE_AFTER = Duration.ofSeconds(30);

    private static final String TABLE = "bank_command_dedup";

    private final DataSource dataSource;

    /** What {@link #claim} found. */
    public sealed interface Claim {
        /** The id is new (or was abandoned): run the command, then call {@link #complete} or {@link #release}. */
        record Run(boolean recovered) implements Claim {
        }

        /**
         * The command already ran: answer this.
         *
         * @param response the first answer, JSON
         */
        record Replay(String response) implements Claim {
        }
    }

    /**
     * @param dataSource the bank's database
     * @throws SQLException when the table cannot be created
     */
    public CommandDeduplicator(DataSource dataSource) throws SQLException {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        try (Connection c = dataSource.getConnection(); Statement statement = c.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (command_id VARCHAR(200) PRIMARY KEY, "
                + "fingerprint VARCHAR(64) NOT NULL, aggregate_id VARCHAR(200) NOT NULL, state VARCHAR(10) NOT NULL, "
                + "response VARCHAR(20000), claimed_at TIMESTAMP WITH TIME ZONE NOT NULL)");
        }
    }

    /**
     * Claims a command id.
     *
     * @param commandId the id
     * @param fingerprint the request's content hash
     * @param aggregateId the aggregate the command is for
     * @return whether to run the command or replay an earlier answer
     * @throws ApiException 422 when the id was used for another command, 409 while it is running elsewhere
     * @throws SQLException when the database fails
     */
    public Claim claim(String commandId, String fingerprint, String aggregateId) throws SQLException {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                if (insert(c, commandId, fingerprint, aggregateId)) {
                    return new Claim.Run(false);
                }
                try (PreparedStatement select = c.prepareStatement("SELECT fingerprint, state, response, claimed_at "
                    + "FROM " + TABLE + " WHERE command_id = ?")) {
                    select.setString(1, commandId);
                    try (ResultSet row = select.executeQuery()) {
                        if (!row.next()) {
                            continue; // released between our insert and select: try to claim again
                        }
                        if (!row.getString(1).equals(fingerprint)) {
                            throw new ApiException(422, "idempotency_key_reused", "The command id '" + commandId
                                + "' was already used for a different command. Use a new id for a new command.");
                        }
                        if (row.getString(2).equals("done")) {
                            return new Claim.Replay(row.getString(3));
                        }
                        Instant claimedAt = row.getObject(4, OffsetDateTime.class).toInstant();
                        if (claimedAt.plus(STALE_AFTER).isAfter(Instant.now())) {
                            throw new ApiException(409, "request_in_progress", "A command with id '" + commandId
                                + "' is still being processed. Retry shortly to get its result.");
                        }
                    }
                }
                if (takeOver(c, commandId)) {
                    return new Claim.Run(true);
                }
            }
        }
        throw new ApiException(409, "request_in_progress", "A command with id '" + commandId
            + "' is being processed concurrently. Retry shortly to get its result.");
    }

    private static boolean insert(Connection c, String commandId, String fingerprint, String aggregateId)
        throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (command_id, fingerprint, "
            + "aggregate_id, state, claimed_at) VALUES (?, ?, ?, 'running', ?)")) {
            insert.setString(1, commandId);
            insert.setString(2, fingerprint);
            insert.setString(3, aggregateId);
            insert.setObject(4, OffsetDateTime.now(ZoneOffset.UTC));
            insert.executeUpdate();
            return true;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    private static boolean takeOver(Connection c, String commandId) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET claimed_at = ? "
            + "WHERE command_id = ? AND state = 'running' AND claimed_at < ?")) {
            update.setObject(1, OffsetDateTime.now(ZoneOffset.UTC));
            update.setString(2, commandId);
            update.setObject(3, OffsetDateTime.now(ZoneOffset.UTC).minus(STALE_AFTER));
            return update.executeUpdate() == 1;
        }
    }

    /**
     * Records a command's answer; later requests with its id get it back.
     *
     * @param commandId the id
     * @param response the answer, JSON
     * @throws SQLException when the database fails
     */
    public void complete(String commandId, String response) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement update = c.prepareStatement("UPDATE " + TABLE + " SET state = 'done', response = ? "
                 + "WHERE command_id = ?")) {
            c.setAutoCommit(true);
            update.setString(1, response);
            update.setString(2, commandId);
            update.executeUpdate();
        }
    }

    /**
     * Frees an id whose command failed, so the caller may send it again.
     *
     * @param commandId the id
     * @throws SQLException when the database fails
     */
    public void release(String commandId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement delete = c.prepareStatement("DELETE FROM " + TABLE + " WHERE command_id = ? "
                 + "AND state = 'running'")) {
            c.setAutoCommit(true);
            delete.setString(1, commandId);
            delete.executeUpdate();
        }
    }
}
