package dev.eventline.examples.bank.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.core.ConcurrencyConflictException;
import dev.eventline.core.EventMetadata;
import dev.eventline.core.EventStoreException;
import dev.eventline.core.ExpectedVersion;
import dev.eventline.core.IdempotencyConflictException;
import dev.eventline.core.InvalidEventException;
import dev.eventline.core.StorageException;
import dev.eventline.core.UnknownEventTypeException;
import dev.eventline.core.command.CommandIdConflictException;
import dev.eventline.core.command.CommandInFlightException;
import dev.eventline.core.branch.BranchNotFoundException;
import dev.eventline.examples.bank.app.BankQueries;
import dev.eventline.examples.bank.app.BankService;
import dev.eventline.examples.bank.app.CommandRequest;
import dev.eventline.examples.bank.app.Health;
import dev.eventline.examples.bank.domain.AggregateNotFoundException;
import dev.eventline.examples.bank.domain.BusinessRuleException;
import dev.eventline.examples.bank.branch.BranchesModule;
import dev.eventline.examples.bank.readmodel.ReadModels;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bank's HTTP API (see {@code http-api.md}): routes, request parsing and the mapping of every failure to
 * the contract's status and {@code {"error": {"code", "message"}}} body.
 * <p>
 * Failures map as follows: malformed JSON, unknown types and invalid fields 400; unknown aggregates and
 * projections 404; a caller's {@code expected_version} that did not match 409; a business rule 422; a body over
 * the limit 413; the database unreachable 503; anything unexpected 500 with a generic message (the details go
 * to the log, never to the client).
 */
public final class HttpApi {

    /** The default request body limit: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    /** How long a {@code consistent_with} query waits by default. */
    public static final Duration DEFAULT_CONSISTENCY_TIMEOUT = Duration.ofSeconds(5);
    /** The longest {@code timeout_ms} a query may ask for. */
    public static final long MAX_TIMEOUT_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final String ERROR_WRITTEN = "bank.error-written";
    /** The header naming the branch (timeline) a request works on. */
    public static final String BRANCH_HEADER = "X-Branch";
    private static final String MAIN_TIMELINE = "main";
    private static final List<String> BRANCH_AWARE = List.of("/api/v1/commands", "/api/v1/queries", "/api/v1/events",
        "/api/v1/replay", "/api/v1/temporal-query", "/api/v1/integrity", "/api/v1/branches");

    private final BankService service;
    private final BankQueries queries;
    private final ReadModels projections;
    private final Health health;
    private final PrometheusMeterRegistry metrics;
    private final HttpSupport http;
    private final Set<String> unbuilt = new CopyOnWriteArraySet<>(Set.of("/api/v1/sagas", "/api/v1/branches"));
    /** Resolves a branch name to the service on that timeline; set by a module that serves branches. */
    private volatile Function<String, BankService> timelines = name -> {
        throw branchesNotImplemented();
    };
    /** Resolves a branch name to the queries over that timeline's read models; set with {@link #timelines}. */
    private volatile Function<String, BankQueries> timelineQueries = name -> {
        throw branchesNotImplemented();
    };

    /**
     * @param service the command, event, replay and integrity side
     * @param queries the query side
     * @param projections the read models' runner
     * @param health the health checks
     * @param metrics the registry scraped by {@code /metrics}
     * @param maxBodyBytes the request body limit
     */
    public HttpApi(BankService service, BankQueries queries, ReadModels projections, Health health,
                   PrometheusMeterRegistry metrics, long maxBodyBytes) {
        this.service = service;
        this.queries = queries;
        this.projections = projections;
        this.health = health;
        this.metrics = metrics;
        this.http = new HttpSupport(maxBodyBytes);
    }

    /**
     * Creates the Javalin application with every route (not started).
     *
     * @param modules extra route groups (sagas…)
     * @return the application
     */
    public Javalin create(List<ApiModule> modules) {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.http.maxRequestSize = http.maxBodyBytes();
            config.http.defaultContentType = "application/json";
            config.router.ignoreTrailingSlashes = true;
            // requests Jetty refuses while parsing (431, TE + CL…) never reach the routes: answer them in JSON too
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonBadMessageHandler()));
        });
        app.before("/api/*", ctx -> {
            String branch = ctx.header(BRANCH_HEADER);
            if (branch != null && !branch.isBlank() && !isBranchAware(ctx.path())) {
                throw branchNotSupported(ctx.path());
            }
        });
        app.post("/api/v1/commands", this::command);
        app.post("/api/v1/queries", this::query);
        app.post("/api/v1/events", this::appendEvent);
        app.get("/api/v1/events/{aggregate_id}", this::readEvents);
        app.post("/api/v1/replay", this::replay);
        app.post("/api/v1/temporal-query", this::temporal);
        app.get("/api/v1/projections", ctx -> http.json(ctx, 200, projections.statuses()));
        app.get("/api/v1/projections/{name}", ctx -> http.json(ctx, 200, projections.status(projection(ctx))));
        app.post("/api/v1/projections/{name}/rebuild", this::rebuild);
        app.get("/api/v1/integrity/{aggregate_id}", ctx ->
            http.json(ctx, 200, service(branchName(ctx, null)).integrity(pathId(ctx, "aggregate_id"))));
        app.get("/health", ctx -> {
            Health.Report report = health.check();
            http.json(ctx, report.up() ? 200 : 503, report);
        });
        app.get("/metrics", ctx -> ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8")
            .result(metrics.scrape()));
        for (ApiModule module : modules) {
            if (module instanceof BranchesModule branches) {
                timelines = branches::service;
                timelineQueries = branches::queries;
            }
            module.register(app, http);
            unbuilt.removeAll(module.servedPrefixes());
        }
        registerErrorHandling(app);
        return app;
    }

    private void command(Context ctx) throws SQLException {
        Fields body = Fields.of(http.readObject(ctx, true), "");
        String branch = branchName(ctx, body);
        String commandType = body.text("command_type");
        String aggregateId = body.id("aggregate_id", CommandTypes.MAX_ID_LENGTH);
        JsonNode data = body.require("data");
        String commandId = commandId(ctx, body);
        ExpectedVersion expected = expectedVersion(body);
        EventMetadata metadata = metadata(body);
        CommandTypes.Parsed parsed = CommandTypes.parse(commandType, aggregateId, data);
        if (branch != null && commandId != null) {
            // idempotency is per timeline: the same id may run once on main and once on each branch
            commandId = "branch:" + branch + ":" + commandId;
        }
        var request = new CommandRequest(commandType, aggregateId, parsed, expected, metadata, commandId);
        http.rawJson(ctx, 200, service(branch).execute(request));
    }

    private static String commandId(Context ctx, Fields body) {
        String header = ctx.header("Idempotency-Key");
        String field = body.has("command_id") ? body.id("command_id", 200) : null;
        if (header != null) {
            Fields.checkId("the Idempotency-Key header", header, 200);
            if (field != null && !field.equals(header)) {
                throw ApiException.badRequest("command_id ('" + Fields.abbreviate(field) + "') and the "
                    + "Idempotency-Key header ('" + Fields.abbreviate(header) + "') differ; send one of them");
            }
            return header;
        }
        return field;
    }

    private static ExpectedVersion expectedVersion(Fields body) {
        if (!body.has("expected_version")) {
            return null;
        }
        long version = body.integer("expected_version");
        if (version < 0) {
            throw ApiException.badRequest("expected_version must be 0 or more (expected_version: " + version
                + "); 0 means the aggregate must not exist yet");
        }
        return ExpectedVersion.exactly(version);
    }

    private static EventMetadata metadata(Fields body) {
        if (!body.has("metadata")) {
            return EventMetadata.empty();
        }
        Fields metadata = body.object("metadata");
        var extra = new TreeMap<String, String>();
        String correlation = null;
        String causation = null;
        String principal = null;
        String tenant = null;
        var names = metadata.node().fieldNames();
        int count = 0;
        while (names.hasNext()) {
            String name = names.next();
            if (++count > 32) {
                throw ApiException.badRequest("metadata may hold at most 32 entries");
            }
            if (!metadata.has(name)) {
                continue;
            }
            String value = metadata.text(name);
            if (value.length() > 500 || name.length() > 100) {
                throw ApiException.badRequest("metadata." + Fields.abbreviate(name)
                    + " is too long (names at most 100, values at most 500 characters)");
            }
            switch (name) {
                case "correlation_id" -> correlation = value;
                case "causation_id" -> causation = value;
                case "principal" -> principal = value;
                case "tenant" -> tenant = value;
                default -> extra.put(name, value);
            }
        }
        return new EventMetadata(correlation, causation, principal, tenant, extra);
    }

    private void query(Context ctx) throws SQLException, InterruptedException {
        Fields body = Fields.of(http.readObject(ctx, true), "");
        String branch = branchName(ctx, body);
        String queryType = body.text("query_type");
        Fields filters = body.has("filters") ? body.object("filters") : Fields.of(Json.mapper().createObjectNode(),
            "filters");
        String projection = body.optionalText("projection");
        Long consistentWith = body.optionalInteger("consistent_with");
        if (consistentWith != null && consistentWith < 0) {
            throw ApiException.badRequest("consistent_with must be a global position, 0 or more (consistent_with: "
                + consistentWith + ")");
        }
        Duration timeout = DEFAULT_CONSISTENCY_TIMEOUT;
        if (body.has("timeout_ms")) {
            long millis = body.integer("timeout_ms");
            if (millis < 0 || millis > MAX_TIMEOUT_MS) {
                throw ApiException.badRequest("timeout_ms must be between 0 and " + MAX_TIMEOUT_MS + " (timeout_ms: "
                    + millis + ")");
            }
            timeout = Duration.ofMillis(millis);
        }
        Object result = (branch == null ? queries : timelineQueries.apply(branch)).run(queryType, new QueryFilters(filters), projection, consistentWith, timeout);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("result", result);
        http.json(ctx, 200, answer);
    }

    private void appendEvent(Context ctx) {
        Fields body = Fields.of(http.readObject(ctx, true), "");
        String branch = branchName(ctx, body);
        String aggregateId = body.id("aggregate_id", CommandTypes.MAX_ID_LENGTH);
        String eventType = body.text("event_type");
        Fields data = body.object("data");
        ExpectedVersion expected = expectedVersion(body);
        int schemaVersion = 1;
        if (body.has("schema_version")) {
            long value = body.integer("schema_version");
            if (value < 1 || value > 1000) {
                throw ApiException.badRequest("schema_version must be between 1 and 1000 (schema_version: " + value
                    + ")");
            }
            schemaVersion = (int) value;
        }
        http.json(ctx, 201, service(branch).appendRaw(aggregateId, eventType, data.node(), expected, schemaVersion,
            metadata(body)));
    }

    private void readEvents(Context ctx) {
        String aggregateId = pathId(ctx, "aggregate_id");
        long fromVersion = queryLong(ctx, "from_version", 1, 0, Long.MAX_VALUE);
        long limit = queryLong(ctx, "limit", BankService.MAX_EVENTS_PER_READ, 1, BankService.MAX_EVENTS_PER_READ);
        http.json(ctx, 200, service(branchName(ctx, null)).readEvents(aggregateId, Math.max(1, fromVersion), (int) limit));
    }

    private void replay(Context ctx) {
        Fields body = Fields.of(http.readObject(ctx, true), "");
        String branch = branchName(ctx, body);
        String aggregateId = body.id("aggregate_id", CommandTypes.MAX_ID_LENGTH);
        if (body.has("from_sequence") && body.integer("from_sequence") < 0) {
            throw ApiException.badRequest("from_sequence must be 0 or more");
        }
        boolean useSnapshot = body.bool("use_snapshot", true);
        Long toVersion = body.optionalInteger("to_version");
        if (toVersion != null && toVersion < 1) {
            throw ApiException.badRequest("to_version must be 1 or more (to_version: " + toVersion + ")");
        }
        http.json(ctx, 200, service(branch).replay(aggregateId, useSnapshot, toVersion));
    }

    private void temporal(Context ctx) {
        Fields body = Fields.of(http.readObject(ctx, true), "");
        BankService service = service(branchName(ctx, body));
        String aggregateId = body.id("aggregate_id", CommandTypes.MAX_ID_LENGTH);
        boolean range = body.has("from_time") || body.has("to_time");
        if (body.has("as_of")) {
            if (range) {
                throw ApiException.badRequest("send either as_of, or from_time and to_time, not both");
            }
            http.json(ctx, 200, service.stateAsOf(aggregateId, body.instant("as_of")));
            return;
        }
        if (!range) {
            throw ApiException.badRequest("from_time and to_time (or as_of) are required");
        }
        Instant from = body.has("from_time") ? body.instant("from_time") : Instant.EPOCH;
        Instant to = body.has("to_time") ? body.instant("to_time") : Instant.now();
        if (to.isBefore(from)) {
            throw ApiException.badRequest("to_time must not be before from_time (from_time: " + from + ", to_time: "
                + to + ")");
        }
        http.json(ctx, 200, service.eventsBetween(aggregateId, from, to));
    }

    private void rebuild(Context ctx) {
        String name = projection(ctx);
        var answer = new LinkedHashMap<String, Object>();
        answer.put("projection", name);
        answer.put("status", projections.rebuild(name).status());
        http.json(ctx, 202, answer);
    }

    private String projection(Context ctx) {
        String name = ctx.pathParam("name");
        if (!projections.has(name)) {
            throw ApiException.notFound("projection_not_found", "No projection named '" + Fields.abbreviate(name)
                + "'. Known projections: " + String.join(", ", projections.names()) + ".");
        }
        return name;
    }

    private static String pathId(Context ctx, String name) {
        String value = ctx.pathParam(name);
        Fields.checkId(name, value, CommandTypes.MAX_ID_LENGTH);
        return value;
    }

    private static long queryLong(Context ctx, String name, long defaultValue, long min, long max) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer (got: " + Fields.abbreviate(value) + ")");
        }
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest(name + " must be between " + min + " and " + max + " (" + name + ": "
                + parsed + ")");
        }
        return parsed;
    }

    private BankService service(String branch) {
        return branch == null ? service : timelines.apply(branch);
    }

    /**
     * The branch a request names, in its body's {@code branch} field or its {@code X-Branch} header.
     *
     * @return the branch's name, or null for the main timeline
     */
    private static String branchName(Context ctx, Fields body) {
        String header = ctx.header(BRANCH_HEADER);
        if (header != null && header.isBlank()) {
            header = null;
        }
        String field = body != null && body.has("branch") ? body.text("branch") : null;
        if (header != null && field != null && !header.equals(field)) {
            throw ApiException.badRequest("branch ('" + Fields.abbreviate(field) + "') and the X-Branch header ('"
                + Fields.abbreviate(header) + "') differ; send one of them");
        }
        String name = field != null ? field : header;
        return name == null || name.isEmpty() || MAIN_TIMELINE.equals(name) ? null : name;
    }

    private static boolean isBranchAware(String path) {
        for (String prefix : BRANCH_AWARE) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    static ApiException branchNotSupported(String path) {
        return ApiException.badRequest("This endpoint (" + Fields.abbreviate(path) + ") works on the main timeline "
            + "only; leave out \"branch\" and X-Branch. Branches apply to commands, queries, events, replay, "
            + "temporal-query, integrity and the creation of branches (as the parent).");
    }

    static ApiException branchesNotImplemented() {
        return new ApiException(501, "not_implemented", "Branches (alternative timelines) are not available in "
            + "this version of the bank example; leave out \"branch\" and X-Branch to use the main timeline.");
    }

    private void registerErrorHandling(Javalin app) {
        app.exception(BranchNotFoundException.class, (e, ctx) -> error(ctx, 404, "branch_not_found",
            "No branch named '" + Fields.abbreviate(e.branch()) + "'. GET /api/v1/branches lists them."));
        app.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
        app.exception(BusinessRuleException.class, (e, ctx) -> error(ctx, 422, e.code(), e.getMessage()));
        app.exception(AggregateNotFoundException.class, (e, ctx) ->
            error(ctx, 404, "aggregate_not_found", e.getMessage()));
        app.exception(ConcurrencyConflictException.class, (e, ctx) -> error(ctx, 409, "concurrency_conflict",
            conflictMessage(e)));
        app.exception(CommandIdConflictException.class, (e, ctx) -> error(ctx, 422, "idempotency_key_reused",
            "The command id '" + Fields.abbreviate(e.key().commandId()) + "' was already used for a different "
                + "command. Use a new id for a new command."));
        app.exception(CommandInFlightException.class, (e, ctx) -> error(ctx, 409, "request_in_progress",
            "A command with id '" + Fields.abbreviate(e.key().commandId()) + "' is still being processed. Retry "
                + "shortly to get its result."));
        app.exception(IdempotencyConflictException.class, (e, ctx) ->
            error(ctx, 422, "idempotency_conflict", e.getMessage()));
        app.exception(UnknownEventTypeException.class, (e, ctx) ->
            error(ctx, 400, "unknown_event_type", e.getMessage()));
        app.exception(InvalidEventException.class, (e, ctx) -> error(ctx, 400, "invalid_event", e.getMessage()));
        app.exception(StorageException.class, (e, ctx) -> databaseUnavailable(ctx, e));
        app.exception(SQLException.class, (e, ctx) -> databaseUnavailable(ctx, e));
        app.exception(EventStoreException.class, (e, ctx) -> {
            LOG.warn("Request {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, e.isRetryable() ? 503 : 500, e.isRetryable() ? "temporarily_unavailable" : "internal_error",
                e.isRetryable() ? "The request could not be completed now; retry it." : "The request failed.");
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            if (status == 404 && isUnbuiltFeature(ctx.path())) {
                error(ctx, 501, "not_implemented", "This endpoint is not available in this version of the bank "
                    + "example (" + ctx.path() + ").");
            } else if (status == 404) {
                error(ctx, 404, "not_found", "No endpoint " + ctx.method() + " " + Fields.abbreviate(ctx.path()) + ".");
            } else if (status == 413) {
                error(ctx, 413, "payload_too_large", "The request body is larger than " + http.maxBodyBytes()
                    + " bytes. Send smaller requests.");
            } else {
                error(ctx, status, "http_" + status, e.getMessage() == null ? "HTTP " + status : e.getMessage());
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("Request {} {} failed unexpectedly", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal_error", "The request failed unexpectedly; the server log has the details.");
        });
        app.error(404, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) {
                if (isUnbuiltFeature(ctx.path())) {
                    error(ctx, 501, "not_implemented", "This endpoint is not available in this version of the bank "
                        + "example (" + ctx.path() + ").");
                } else {
                    error(ctx, 404, "not_found", "No endpoint " + ctx.method() + " " + Fields.abbreviate(ctx.path())
                        + ".");
                }
            }
        });
        app.error(405, ctx -> {
            if (ctx.attribute(ERROR_WRITTEN) == null) {
                error(ctx, 405, "method_not_allowed", "No endpoint " + ctx.method() + " "
                    + Fields.abbreviate(ctx.path()) + ".");
            }
        });
    }

    private static String conflictMessage(ConcurrencyConflictException e) {
        // Streams are named "<aggregate type>-<aggregate id>" (Aggregate.streamId); the client knows the id.
        String stream = e.streamId();
        int dash = stream.indexOf('-');
        String kind = dash > 0 ? stream.substring(0, dash) : "aggregate";
        String id = dash > 0 ? stream.substring(dash + 1) : stream;
        String expected = e.expected() instanceof ExpectedVersion.Exactly exactly
            ? Long.toString(exactly.version()) : e.expected().toString();
        return "The " + kind + " '" + Fields.abbreviate(id) + "' is at version " + e.actualVersion()
            + ", not at the expected_version " + expected + ". Reload it and retry with its current version.";
    }

    private boolean isUnbuiltFeature(String path) {
        for (String prefix : unbuilt) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    private void databaseUnavailable(Context ctx, Exception e) {
        LOG.warn("Request {} {} failed: database unavailable", ctx.method(), ctx.path(), e);
        error(ctx, 503, "database_unavailable", "The database is unavailable; retry later.");
    }

    private void error(Context ctx, int status, String code, String message) {
        var inner = new LinkedHashMap<String, Object>();
        inner.put("code", code);
        inner.put("message", message);
        ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
        http.json(ctx, status, Map.of("error", inner));
    }
}
