package dev.eventline.examples.bank.readmodel;

import dev.eventline.core.RecordedEvent;
import dev.eventline.projections.Projection;
import dev.eventline.projections.ProjectionContext;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * One of the bank's {@link ReadModel}s as an Eventline {@link Projection}: JDBC tables named through the
 * projection's context (so a shadow rebuild writes a fresh copy), events decoded by the bank's serializer.
 * <p>
 * Thread-safety: stateless; the runner calls it from one thread at a time.
 */
public final class BankProjection implements Projection {

    private final ReadModel model;
    private final Function<RecordedEvent, Object> decoder;
    private final Set<String> tables;

    /**
     * @param model the read model
     * @param decoder turns a stored event into its domain record (null for unknown types)
     */
    public BankProjection(ReadModel model, Function<RecordedEvent, Object> decoder) {
        this.model = Objects.requireNonNull(model, "model");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        var names = new LinkedHashSet<String>();
        for (String table : model.tables()) {
            names.add(Tables.PREFIX + table);
        }
        this.tables = Set.copyOf(names);
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public Set<String> eventTypes() {
        return model.eventTypes();
    }

    @Override
    public Set<String> tables() {
        return tables;
    }

    @Override
    public void setUp(ProjectionContext context) throws Exception {
        try (Statement statement = context.connection().createStatement()) {
            for (String ddl : model.createStatements(tables(context))) {
                statement.execute(ddl);
            }
        }
    }

    @Override
    public void handle(RecordedEvent event, ProjectionContext context) throws Exception {
        Object decoded = decoder.apply(event);
        if (decoded != null) {
            model.apply(context.connection(), tables(context), event, decoded);
        }
    }

    private static Tables tables(ProjectionContext context) {
        return table -> context.table(Tables.PREFIX + table);
    }
}
