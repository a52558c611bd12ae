package dev.eventline.examples.bank.readmodel;

import dev.eventline.core.RecordedEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * One read model of the bank: its tables and how each event changes them.
 * <p>
 * {@link #apply} runs inside the projection's transaction, on the connection it is given, so the rows and the
 * projection's checkpoint commit together: an event's effect is applied exactly once, also across a crash.
 * Implementations are stateless and thread-safe.
 */
public interface ReadModel {

    /** @return the read model's name, as the API shows it ({@code account_balance}…) */
    String name();

    /** @return the logical names of the model's tables, used to drop a generation */
    List<String> tables();

    /**
     * @param tables the physical names to use
     * @return the DDL creating the tables (portable between H2 and PostgreSQL)
     */
    List<String> createStatements(Tables tables);

    /**
     * Applies one event to the model's tables; events of types the model ignores are skipped.
     *
     * @param connection the projection's transaction
     * @param tables the physical names to use
     * @param recorded the stored event (time, version, type)
     * @param event the decoded domain event
     * @throws SQLException when the database fails; the transaction is then rolled back
     */
    void apply(Connection connection, Tables tables, RecordedEvent recorded, Object event) throws SQLException;
}
