package dev.eventline.examples.bank.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small JSON client over the JDK's HttpClient, for driving the bank over real HTTP in tests. */
public final class TestClient {

    /** A response: status, raw body, and the body parsed as JSON when it is JSON. */
    public record Response(int status, String body, JsonNode json) {
        /** @return {@code error.code} of an error body */
        public String errorCode() {
            return json.path("error").path("code").asText();
        }

        /** @return {@code error.message} of an error body */
        public String errorMessage() {
            return json.path("error").path("message").asText();
        }
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    /** @param port the application's port */
    public TestClient(int port) {
        this.base = "http://localhost:" + port;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, String json, String headerName, String headerValue) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
            .header(headerName, headerValue).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response post(String path, byte[] body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** Sends a command and returns the response. */
    public Response command(String type, String aggregateId, String dataJson) {
        return post("/api/v1/commands", "{\"command_type\":\"" + type + "\",\"aggregate_id\":\"" + aggregateId
            + "\",\"data\":" + dataJson + "}");
    }

    /** Runs a query that waits for the given position, returning the response. */
    public Response query(String type, String filtersJson, long consistentWith) {
        return post("/api/v1/queries", "{\"query_type\":\"" + type + "\",\"filters\":" + filtersJson
            + ",\"consistent_with\":" + consistentWith + "}");
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
            JsonNode json = null;
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                json = Json.mapper().readTree(response.body());
            }
            return new Response(response.statusCode(), response.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
