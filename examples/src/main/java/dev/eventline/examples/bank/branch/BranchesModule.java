package dev.eventline.examples.bank.branch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.core.EventStore;
import dev.eventline.core.LogPosition;
import dev.eventline.core.RecordedEvent;
import dev.eventline.core.branch.BranchAlreadyExistsException;
import dev.eventline.core.branch.BranchInUseException;
import dev.eventline.core.branch.BranchInfo;
import dev.eventline.core.branch.BranchNotFoundException;
import dev.eventline.core.branch.BranchStore;
import dev.eventline.core.branch.Branches;
import dev.eventline.core.branch.ForkPoint;
import dev.eventline.core.command.CommandBus;
import dev.eventline.core.snapshot.InMemorySnapshotStore;
import dev.eventline.examples.bank.BankComponents;
import dev.eventline.examples.bank.BankDomain;
import dev.eventline.examples.bank.app.AggregateHandler;
import dev.eventline.examples.bank.app.AggregateHandlers;
import dev.eventline.examples.bank.app.BankQueries;
import dev.eventline.examples.bank.app.BankService;
import dev.eventline.examples.bank.app.RecentPositions;
import dev.eventline.examples.bank.http.ApiException;
import dev.eventline.examples.bank.http.ApiModule;
import dev.eventline.examples.bank.http.HttpApi;
import dev.eventline.examples.bank.http.HttpSupport;
import dev.eventline.jdbc.branch.JdbcBranchStorage;
import dev.eventline.jdbc.command.JdbcIdempotencyStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The branch endpoints ({@code POST/GET /api/v1/branches}, {@code DELETE /api/v1/branches/{name}}) and the
 * services of each branch's timeline.
 * <p>
 * Branches live in the bank's database ({@link JdbcBranchStorage}, same schema and table prefix as the event
 * store), so they survive a restart. Each branch gets its own {@link BankService}, built on the branch's
 * {@link BranchStore} with its own repositories, an in-memory snapshot store (main's snapshots describe main's
 * streams, never a branch's) and a command bus whose idempotency records share main's table: the HTTP layer
 * prefixes a branch's command ids with the branch name, so each timeline runs a command id once.
 * <p>
 * Thread-safety: safe for concurrent use. Services are built once per branch and reused; every request checks
 * that the branch still exists (one indexed read), so a branch deleted or re-created by another instance is
 * never served from a stale service.
 */
public final class BranchesModule implements ApiModule {

    /** The path prefix this module serves. */
    public static final String PREFIX = "/api/v1/branches";

    private final BankComponents components;
    private final JdbcBranchStorage storage;
    private final Branches branches;
    private final JdbcIdempotencyStore idempotency;
    private final Map<String, Timeline> timelines = new ConcurrentHashMap<>();

    /**
     * A branch's services, for the branch record they were built on (a deleted and re-created name has a new id):
     * commands and events on the branch's store, and its read models (started by the first query).
     */
    private record Timeline(String branchId, BankService service, CommandBus commands, BranchReadModels readModels) {
        void close() {
            try {
                commands.close();
            } finally {
                readModels.close();
            }
        }
    }

    /**
     * Opens the branch storage on the application's database and creates its tables when missing.
     *
     * @param components the running application's parts
     */
    public BranchesModule(BankComponents components) {
        this.components = Objects.requireNonNull(components, "components");
        this.storage = JdbcBranchStorage.builder(components.dataSource()).build();
        storage.createSchema();
        this.branches = Branches.builder(components.store()).storage(storage).build();
        // the idempotency table was created by the application at start
        this.idempotency = JdbcIdempotencyStore.builder(components.dataSource()).build();
    }

    /** @return the branches of the application's event store */
    public Branches branches() {
        return branches;
    }

    @Override
    public void register(Javalin app, HttpSupport http) {
        app.post(PREFIX, ctx -> create(ctx, http));
        app.get(PREFIX, ctx -> http.json(ctx, 200, branches.list().stream().map(BranchesModule::view).toList()));
        app.delete(PREFIX + "/{name}", ctx -> delete(ctx, http));
        app.events(event -> {
            event.serverStopping(this::close);
            event.serverStartFailed(this::close);
        });
    }

    @Override
    public Set<String> servedPrefixes() {
        return Set.of(PREFIX);
    }

    /**
     * The service working on a branch's timeline.
     *
     * @param name the branch's name
     * @return its service (built on first use, then reused)
     * @throws ApiException 404 {@code branch_not_found} when no branch has that name
     */
    public BankService service(String name) {
        return timeline(name).service();
    }

    /**
     * The query side of a branch: the bank's read models run over the branch's timeline into their own
     * in-memory database, built by the first query (then kept up to date) and dropped with the branch. Every query
     * sees the commands answered on the branch before it arrived.
     *
     * @param name the branch's name
     * @return its queries
     * @throws ApiException 404 {@code branch_not_found} when no branch has that name
     */
    public BankQueries queries(String name) {
        Timeline timeline = timeline(name);
        try {
            return timeline.readModels().queries();
        } catch (IllegalStateException dropped) {
            // deleted (and maybe re-created) by a concurrent request since timeline() looked
            return timeline(name).readModels().queries();
        }
    }

    /**
     * @param name a branch's name
     * @return true while the branch's read models run in this process (built by a query, not yet dropped)
     */
    boolean hasReadModels(String name) {
        Timeline timeline = timelines.get(name);
        return timeline != null && timeline.readModels().isRunning();
    }

    private Timeline timeline(String name) {
        // One indexed read per request keeps the cache honest when another instance deletes or re-creates a branch.
        BranchStore branch;
        try {
            branch = branches.open(name);
        } catch (BranchNotFoundException e) {
            evict(name);
            throw notFound(name);
        }
        String id = branch.record().id();
        return timelines.compute(name, (key, cached) -> {
            if (cached != null && cached.branchId().equals(id)) {
                return cached;
            }
            if (cached != null) {
                cached.close();   // built for an earlier branch of the same name, deleted since
            }
            return build(id, branch);
        });
    }

    private void evict(String name) {
        Timeline removed = timelines.remove(name);
        if (removed != null) {
            removed.close();
        }
    }

    private Timeline build(String branchId, BranchStore store) {
        List<AggregateHandler> handlers = AggregateHandlers.create(BankDomain.kinds(), store, components.codec(),
            new InMemorySnapshotStore(), components.config().snapshotFrequency());
        CommandBus commands = AggregateHandlers.commandBus(handlers, components.metrics().registry(), idempotency);
        var positions = new RecentPositions();
        var readModels = new BranchReadModels(store.name(), store, components, positions);
        var service = new BankService(store, components.codec(), handlers, commands, readModels.readModels(),
            positions, components.metrics());
        return new Timeline(branchId, service, commands, readModels);
    }

    private void create(Context ctx, HttpSupport http) {
        JsonNode body = http.readObject(ctx, true);
        String parent = parentName(ctx, body);
        EventStore parentStore = branches.timeline(parent);
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual()) {
            throw ApiException.badRequest("name is required: a string of 1 to 100 letters, digits, '_', '.' or '-'");
        }
        String name = nameNode.asText();
        boolean hasPosition = present(body, "from_position");
        boolean hasTime = present(body, "from_time");
        if (hasPosition && hasTime) {
            throw ApiException.badRequest("send from_position or from_time, not both");
        }
        ForkPoint at = ForkPoint.head();
        if (hasPosition) {
            at = new ForkPoint.AtPosition(position(parentStore, body.get("from_position")));
        } else if (hasTime) {
            at = new ForkPoint.AsOf(instant(body.get("from_time")));
        }
        BranchStore branch;
        try {
            branch = branches.create(name, parent, at);
        } catch (BranchAlreadyExistsException e) {
            throw new ApiException(409, "branch_exists", "A branch named '" + abbreviate(name) + "' exists already. "
                + "Pick another name, or delete it first.");
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        evict(name);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("name", branch.name());
        answer.put("parent", branch.parentName());
        answer.put("fork_position", branch.forkPosition().position());
        http.json(ctx, 201, answer);
    }

    /**
     * The parent a new branch forks from: the request's {@code branch} field or {@code X-Branch} header (the
     * timeline the request works on, as for every other endpoint), the main timeline without either.
     */
    private static String parentName(Context ctx, JsonNode body) {
        String header = ctx.header(HttpApi.BRANCH_HEADER);
        if (header != null && header.isBlank()) {
            header = null;
        }
        JsonNode node = body.get("branch");
        if (node != null && !node.isNull() && !node.isTextual()) {
            throw ApiException.badRequest("branch must be a string: the name of the parent branch");
        }
        String field = node == null || node.isNull() ? null : node.asText();
        if (header != null && field != null && !header.equals(field)) {
            throw ApiException.badRequest("branch ('" + abbreviate(field) + "') and the X-Branch header ('"
                + abbreviate(header) + "') differ; send one of them");
        }
        String name = field != null ? field : header;
        return name == null || name.isEmpty() ? Branches.MAIN : name;
    }

    /** The log position of the event with global position {@code node} on a timeline (0: before every event). */
    private LogPosition position(EventStore timeline, JsonNode node) {
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong() || node.asLong() < 0) {
            throw ApiException.badRequest("from_position must be a global position, 0 or more (from_position: "
                + abbreviate(node.toString()) + ")");
        }
        long position = node.asLong();
        if (position == 0) {
            return LogPosition.START;
        }
        return positionOf(timeline, position).orElseThrow(() -> ApiException.badRequest("from_position " + position
            + " is not the global position of an event on the parent timeline; use a global_position an append or "
            + "command answered there, or 0 for an empty branch"));
    }

    /**
     * On PostgreSQL a log position also carries the writing transaction, so a bare number is looked up: among the
     * branch's own events first, then on its parent up to the fork.
     */
    private Optional<LogPosition> positionOf(EventStore timeline, long number) {
        if (!(timeline instanceof BranchStore branch)) {
            return storage.mainPositionOf(number);
        }
        List<RecordedEvent> own = storage.readAll(branch.record(), number - 1, 1);
        if (!own.isEmpty() && own.get(0).position().position() == number) {
            return Optional.of(own.get(0).position());
        }
        return positionOf(branch.parent(), number).filter(inherited -> !inherited.isAfter(branch.forkPosition()));
    }

    private static Instant instant(JsonNode node) {
        if (!node.isTextual()) {
            throw ApiException.badRequest("from_time must be an ISO-8601 instant such as 2026-03-01T10:00:00Z");
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("from_time must be an ISO-8601 instant such as 2026-03-01T10:00:00Z "
                + "(from_time: " + abbreviate(node.asText()) + ")");
        }
    }

    private void delete(Context ctx, HttpSupport http) {
        String name = ctx.pathParam("name");
        try {
            branches.delete(name);
        } catch (BranchNotFoundException e) {
            throw notFound(name);
        } catch (BranchInUseException e) {
            throw new ApiException(409, "branch_in_use", "The branch '" + abbreviate(name) + "' has branches forked "
                + "from it; delete those first.");
        }
        evict(name);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("name", name);
        answer.put("deleted", true);
        http.json(ctx, 200, answer);
    }

    private static Map<String, Object> view(BranchInfo info) {
        var view = new LinkedHashMap<String, Object>();
        view.put("name", info.name());
        view.put("parent", info.parent());
        view.put("fork_position", info.forkPosition().position());
        view.put("own_event_count", info.ownEventCount());
        view.put("created_at", info.createdAt());
        return view;
    }

    private static boolean present(JsonNode body, String field) {
        JsonNode node = body.get(field);
        return node != null && !node.isNull();
    }

    private static ApiException notFound(String name) {
        return ApiException.notFound("branch_not_found", "No branch named '" + abbreviate(name)
            + "'. GET /api/v1/branches lists them.");
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    /** Closes the branches' command buses (idempotent). */
    private void close() {
        for (String name : List.copyOf(timelines.keySet())) {
            evict(name);
        }
    }
}
