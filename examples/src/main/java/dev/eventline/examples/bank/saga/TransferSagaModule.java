package dev.eventline.examples.bank.saga;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventline.core.serialization.EventSerializer;
import dev.eventline.examples.bank.BankComponents;
import dev.eventline.examples.bank.http.ApiException;
import dev.eventline.examples.bank.http.ApiModule;
import dev.eventline.examples.bank.http.HttpSupport;
import dev.eventline.examples.bank.saga.TransferSaga.Transfer;
import dev.eventline.saga.SagaInstance;
import dev.eventline.saga.SagaStatus;
import dev.eventline.saga.SagaStep;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The saga endpoints of the bank's HTTP API, and the lifetime of the saga runner behind them:
 * <ul>
 *   <li>{@code POST /api/v1/sagas} {@code {"saga_type": "TransferSaga", "data": {"from_account", "to_account",
 *   "amount"}}} (optional {@code saga_id}, or the {@code Idempotency-Key} header, to make a retried request
 *   start one saga) → 202 {@code {"saga_id", "status"}};</li>
 *   <li>{@code GET /api/v1/sagas/{saga_id}} → {@code {"saga_id", "saga_type", "status", "steps": [...]}} with
 *   status {@code RUNNING}, {@code COMPLETED}, {@code COMPENSATED} or {@code FAILED}.</li>
 * </ul>
 * The runner starts when the HTTP server has started and stops when it stops; sagas in flight continue after a
 * restart on the same database.
 * <p>
 * Thread-safety: safe for concurrent requests.
 */
public final class TransferSagaModule implements ApiModule {

    private static final int MAX_ID_LENGTH = 100;
    private static final ObjectMapper STATE_JSON = EventSerializer.defaultObjectMapper();

    private final BankSagas sagas;

    /** @param components the bank's wired parts */
    public TransferSagaModule(BankComponents components) {
        this.sagas = BankSagas.create(components);
    }

    /** @return the sagas behind the endpoints */
    public BankSagas sagas() {
        return sagas;
    }

    @Override
    public void register(Javalin app, HttpSupport http) {
        app.events(event -> {
            event.serverStarted(sagas::start);
            event.serverStopping(sagas::close);
            event.serverStartFailed(sagas::close);
        });
        app.post("/api/v1/sagas", ctx -> start(ctx, http));
        app.get("/api/v1/sagas/{saga_id}", ctx -> show(ctx, http));
    }

    /** The answer to a start. */
    record Started(String sagaId, String status) {
    }

    /** A saga as the API shows it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SagaView(String sagaId, String sagaType, String status, String reason, Transfer data, List<StepView> steps,
                    Instant startedAt, Instant updatedAt) {
    }

    /** One command the saga sent. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record StepView(String step, String commandType, UUID commandId, boolean compensation, String status,
                    String reason, Instant at) {
    }

    private void start(Context ctx, HttpSupport http) {
        JsonNode body = http.readObject(ctx);
        String sagaType = text(body, "saga_type", "saga_type");
        if (!sagaType.equals(TransferSaga.NAME)) {
            throw new ApiException(400, "unknown_saga_type", "Unknown saga_type '" + abbreviate(sagaType)
                + "'. Known types: " + TransferSaga.NAME + ".");
        }
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            throw ApiException.badRequest("data must be an object with from_account, to_account and amount");
        }
        Transfer transfer;
        try {
            transfer = new Transfer(id(data, "from_account"), id(data, "to_account"), amount(data));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("data." + e.getMessage());
        }
        String sagaId = sagaId(ctx, body);
        try {
            sagas.runner().startSaga(TransferSaga.TYPE, sagaId, transfer);
        } catch (IllegalStateException e) {
            throw new ApiException(422, "idempotency_key_reused", "The saga id '" + abbreviate(sagaId)
                + "' was already used for another transfer. Use a new id for a new saga.");
        }
        String status = sagas.runner().find(TransferSaga.NAME, sagaId).map(TransferSagaModule::status)
            .orElse(SagaStatus.RUNNING.name());
        http.json(ctx, 202, new Started(sagaId, status));
    }

    private void show(Context ctx, HttpSupport http) {
        String sagaId = ctx.pathParam("saga_id");
        SagaInstance instance = sagas.runner().find(TransferSaga.NAME, sagaId).orElseThrow(() ->
            ApiException.notFound("saga_not_found", "No saga with id '" + abbreviate(sagaId) + "'."));
        List<StepView> steps = instance.steps().stream().map(TransferSagaModule::view).toList();
        Transfer data = instance.stateJson() == null ? null : readState(instance.stateJson());
        http.json(ctx, 200, new SagaView(instance.sagaId(), instance.sagaType(), status(instance), instance.reason(),
            data, steps, instance.startedAt(), instance.updatedAt()));
    }

    private static Transfer readState(String json) {
        try {
            return STATE_JSON.readValue(json, Transfer.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored transfer saga state cannot be read (" + e.getOriginalMessage()
                + "). The Transfer record no longer matches the stored JSON.", e);
        }
    }

    /** The API's four statuses: a saga still compensating is running. */
    private static String status(SagaInstance instance) {
        return instance.status() == SagaStatus.COMPENSATING ? SagaStatus.RUNNING.name() : instance.status().name();
    }

    private static StepView view(SagaStep step) {
        return new StepView(step.name(), step.commandType(), step.commandId(), step.compensation(),
            step.accepted() ? "completed" : "rejected", step.reason(), step.recordedAt());
    }

    private static String sagaId(Context ctx, JsonNode body) {
        String header = ctx.header("Idempotency-Key");
        String field = body.has("saga_id") ? text(body, "saga_id", "saga_id") : null;
        if (header != null && field != null && !header.equals(field)) {
            throw ApiException.badRequest("saga_id and the Idempotency-Key header differ; send one of them");
        }
        String id = field != null ? field : header;
        if (id == null) {
            return UUID.randomUUID().toString();
        }
        checkId(header != null && field == null ? "the Idempotency-Key header" : "saga_id", id);
        return id;
    }

    private static String text(JsonNode object, String field, String name) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest(name + " is required");
        }
        if (!value.isTextual()) {
            throw ApiException.badRequest(name + " must be a string");
        }
        return value.textValue();
    }

    private static String id(JsonNode data, String field) {
        String value = text(data, field, "data." + field);
        checkId("data." + field, value);
        return value;
    }

    private static void checkId(String name, String value) {
        if (value.isBlank() || value.length() > MAX_ID_LENGTH) {
            throw ApiException.badRequest(name + " must be 1 to " + MAX_ID_LENGTH + " characters and not blank");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ApiException.badRequest(name + " must not contain control characters (at index " + i + ")");
            }
        }
    }

    private static BigDecimal amount(JsonNode data) {
        JsonNode value = data.get("amount");
        if (value == null || value.isNull()) {
            throw ApiException.badRequest("data.amount is required");
        }
        if (!value.isNumber()) {
            throw ApiException.badRequest("data.amount must be a number");
        }
        return value.decimalValue();
    }

    private static String abbreviate(String value) {
        return value.length() <= 60 ? value : value.substring(0, 60) + "…";
    }
}
