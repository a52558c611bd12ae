package dev.eventline.projections;

import dev.eventline.core.RecordedEvent;
import java.util.Map;
import java.util.Set;

/** The projection a {@link Projection.Builder} makes: handlers looked up by type name. */
final class LambdaProjection implements Projection {
    private final String name;
    private final Map<String, EventHandler> handlers;
    private final Set<String> tables;
    private final ContextAction setUp;
    private final ContextAction reset;

    LambdaProjection(String name, Map<String, EventHandler> handlers, Set<String> tables, ContextAction setUp,
                     ContextAction reset) {
        this.name = name;
        this.handlers = handlers;
        this.tables = tables;
        this.setUp = setUp;
        this.reset = reset;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<String> eventTypes() {
        return handlers.keySet();
    }

    @Override
    public void handle(RecordedEvent event, ProjectionContext context) throws Exception {
        EventHandler handler = handlers.get(event.type());
        if (handler != null) {
            handler.handle(event, context);
        }
    }

    @Override
    public Set<String> tables() {
        return tables;
    }

    @Override
    public void setUp(ProjectionContext context) throws Exception {
        setUp.run(context);
    }

    @Override
    public void reset(ProjectionContext context) throws Exception {
        if (reset == null) {
            Projection.super.reset(context);
        } else {
            reset.run(context);
        }
    }

    @Override
    public String toString() {
        return "Projection[" + name + ", types=" + handlers.keySet() + "]";
    }
}
