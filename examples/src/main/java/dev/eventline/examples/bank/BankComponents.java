package dev.eventline.examples.bank;

import dev.eventline.core.EventStore;
import dev.eventline.examples.bank.app.BankMetrics;
import dev.eventline.examples.bank.app.BankQueries;
import dev.eventline.examples.bank.app.BankService;
import dev.eventline.examples.bank.app.EventCodec;
import dev.eventline.examples.bank.readmodel.ProjectionEngine;
import javax.sql.DataSource;

/**
 * The wired parts of a running bank application, handed to {@link BankExtensions} so that extra modules (the
 * saga endpoints) can use the same store, database and services.
 *
 * @param config the settings
 * @param store the event store
 * @param dataSource the database (events, read models, idempotency records)
 * @param codec the event type registry
 * @param service the command and event side
 * @param queries the query side
 * @param projections the read models' runner
 * @param metrics the meters
 */
public record BankComponents(BankConfig config, EventStore store, DataSource dataSource, EventCodec codec,
                             BankService service, BankQueries queries, ProjectionEngine projections,
                             BankMetrics metrics) {
}
