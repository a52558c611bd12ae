package dev.eventline.examples.bank.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads JSON request bodies within the size limit and writes JSON answers, for the API's routes and modules.
 * <p>
 * Thread-safety: stateless apart from the limit; safe for concurrent use.
 */
public final class HttpSupport {

    private final long maxBodyBytes;

    /** @param maxBodyBytes the largest request body accepted; larger ones get 413 */
    HttpSupport(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    /** @return the largest request body accepted */
    public long maxBodyBytes() {
        return maxBodyBytes;
    }

    /**
     * Reads the request body as a JSON object, refusing bodies over the limit before parsing.
     *
     * @param ctx the request
     * @return the body, a JSON object
     * @throws ApiException 413 for a body over the limit, 400 for anything that is not one JSON object or that
     *     names a branch (this endpoint works on the main timeline only)
     */
    public JsonNode readObject(Context ctx) {
        return readObject(ctx, false);
    }

    /**
     * Reads the request body as a JSON object.
     *
     * @param ctx the request
     * @param branchAware whether the endpoint handles a {@code branch} field itself (else the field is refused)
     * @return the body, a JSON object
     */
    public JsonNode readObject(Context ctx, boolean branchAware) {
        byte[] body = readBody(ctx);
        if (body.length == 0) {
            throw new ApiException(400, "invalid_json", "The request body is empty; send a JSON object.");
        }
        JsonNode node;
        try {
            node = Json.mapper().readTree(body);
        } catch (StreamConstraintsException e) {
            throw new ApiException(400, "invalid_json", "The request body breaks a JSON limit (nesting depth at most "
                + Json.MAX_NESTING_DEPTH + ", numbers at most " + Json.MAX_NUMBER_LENGTH + " characters).");
        } catch (JacksonException e) {
            throw new ApiException(400, "invalid_json", "The request body is not valid JSON (at line "
                + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ", column "
                + (e.getLocation() == null ? "?" : e.getLocation().getColumnNr()) + "): "
                + shortReason(e) + ".");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (node == null || !node.isObject()) {
            throw new ApiException(400, "invalid_json", "The request body must be a JSON object (got: "
                + Fields.kind(node) + ").");
        }
        JsonNode branch = node.get("branch");
        if (!branchAware && branch != null && !branch.isNull()) {
            throw HttpApi.branchNotSupported(ctx.path());
        }
        return node;
    }

    private static String shortReason(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return "unreadable input";
        }
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        return first.length() > 160 ? first.substring(0, 160) + "…" : first;
    }

    private byte[] readBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = ctx.req().getInputStream()) {
            var out = new ByteArrayOutputStream((int) Math.max(256, Math.min(declared, 64 * 1024)));
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            int read;
            while ((read = in.read(buffer)) != -1) {
                total += read;
                if (total > maxBodyBytes) {
                    throw tooLarge();
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new ApiException(400, "invalid_request", "The request body could not be read completely.");
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "The request body is larger than " + maxBodyBytes
            + " bytes. Send smaller requests.");
    }

    /**
     * Writes a JSON answer.
     *
     * @param ctx the request
     * @param status the HTTP status
     * @param body the answer, serialized with snake_case names
     */
    public void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a JSON answer that is already serialized.
     *
     * @param ctx the request
     * @param status the HTTP status
     * @param json the JSON text
     */
    public void rawJson(Context ctx, int status, String json) {
        ctx.status(status).contentType("application/json").result(json);
    }
}
