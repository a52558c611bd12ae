package dev.eventline.examples.bank.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventline.examples.bank.RunningBank;
import dev.eventline.examples.bank.http.Json;
import dev.eventline.examples.bank.http.TestClient;
import dev.eventline.examples.bank.http.TestClient.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * I-3 and the HTTP bad inputs of RELIABILITY.md against the bank API: each answered with the
 * status of ../shared/http-api.md and a JSON error, never a stack trace or SQL, and nothing written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BankBadInputTest {

    private static final String ACCOUNT = "acc-x";
    private static final String COMMANDS = "/api/v1/commands";

    @TempDir
    static Path dataDir;

    private RunningBank bank;
    private TestClient http;
    private int port;

    @BeforeAll
    void start() throws Exception {
        bank = RunningBank.onH2(dataDir);
        http = bank.http();
        port = bank.app().port();
        assertThat(http.command("CreateAccount", ACCOUNT, "{\"owner\":\"Xavier\",\"initial_balance\":100}").status())
            .isEqualTo(200);
    }

    @AfterAll
    void stop() {
        bank.close();
    }

    private long accountEvents() {
        return http.get("/api/v1/events/" + ACCOUNT).json().path("events").size();
    }

    /** The answer is a JSON error with a code and a message, and shows nothing of the implementation. */
    private static void assertCleanError(int status, String body, String what) {
        assertNoLeak(body, what);
        if (status >= 400 && !body.isEmpty()) {
            JsonNode json = parse(body);
            assertThat(json).as("JSON error body of %s: %s", what, body).isNotNull();
            assertThat(json.path("error").path("code").isTextual()).as(what + ": " + body).isTrue();
            assertThat(json.path("error").path("message").isTextual()).as(what + ": " + body).isTrue();
        }
    }

    /**
     * The answer shows nothing of the implementation. Used alone for requests the HTTP server (Jetty) refuses while
     * parsing, before the application sees them: those answers are Jetty's small HTML pages, not the API's JSON
     * errors (reported to the bank example's owner).
     */
    private static void assertNoLeak(String body, String what) {
        assertThat(body).as(what).doesNotContain("\tat ", "Exception", "SQL", "SELECT ", "INSERT ", "org.h2",
            "dev.eventline.", "java.", "javalin", "Caused by");
    }

    private static JsonNode parse(String body) {
        try {
            return Json.mapper().readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private Response deposit(String amountJson) {
        return http.post(COMMANDS, "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"" + ACCOUNT
            + "\",\"data\":{\"amount\":" + amountJson + "}}");
    }

    @Nested
    class I3_idempotency_key {

        private final String body = "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"" + ACCOUNT
            + "\",\"data\":{\"amount\":5}}";

        @Test
        void the_same_key_five_times_in_a_row_deposits_once_and_answers_the_same() {
            // given
            long before = accountEvents();
            // when
            List<Response> answers = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(http.post(COMMANDS, body, "Idempotency-Key", "i3-sequential"));
            }
            // then
            assertThat(answers).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
            assertThat(answers.stream().map(Response::json).distinct()).hasSize(1);
            assertThat(accountEvents()).isEqualTo(before + 1);
        }

        @Test
        void the_same_key_five_times_at_once_deposits_once_and_answers_the_result_or_409() throws Exception {
            // given
            long before = accountEvents();
            ExecutorService pool = Executors.newFixedThreadPool(5);
            try {
                List<Callable<Response>> calls = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    calls.add(() -> http.post(COMMANDS, body, "Idempotency-Key", "i3-concurrent"));
                }
                // when
                List<Response> answers = new ArrayList<>();
                for (Future<Response> answer : pool.invokeAll(calls)) {
                    answers.add(answer.get());
                }
                // then
                assertThat(answers).allSatisfy(r -> {
                    assertThat(r.status()).isIn(200, 409);
                    assertCleanError(r.status(), r.body(), "concurrent duplicate");
                });
                assertThat(answers.stream().filter(r -> r.status() == 200).map(Response::json).distinct())
                    .hasSize(1);
                assertThat(accountEvents()).isEqualTo(before + 1);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void the_same_key_with_a_changed_body_answers_422_and_deposits_nothing() {
            // given
            assertThat(http.post(COMMANDS, body, "Idempotency-Key", "i3-changed").status()).isEqualTo(200);
            long before = accountEvents();
            // when
            Response changed = http.post(COMMANDS, body.replace("\"amount\":5", "\"amount\":6"), "Idempotency-Key",
                "i3-changed");
            // then
            assertThat(changed.status()).isEqualTo(422);
            assertCleanError(changed.status(), changed.body(), "changed body");
            assertThat(accountEvents()).isEqualTo(before);
        }

        @Test
        void keys_of_one_character_work_and_of_ten_thousand_are_refused() {
            long before = accountEvents();
            assertThat(http.post(COMMANDS, body, "Idempotency-Key", "k").status()).isEqualTo(200);
            Response huge = http.post(COMMANDS, body, "Idempotency-Key", "k".repeat(10_000));
            assertThat(huge.status()).isIn(400, 431);
            assertCleanError(huge.status(), huge.body(), "10,000-character key");
            assertThat(accountEvents()).isEqualTo(before + 1);
        }
    }

    @Nested
    class X3_json {

        @Test
        void hostile_json_is_refused_with_400_and_writes_nothing() {
            // given
            long before = accountEvents();
            List<String> bodies = List.of(
                "[".repeat(10_000),
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":" + "[".repeat(10_000) + "}",
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":1e1000000}}",
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":"
                    + "9".repeat(2_000) + "}}",
                "{\"command_type\":\"DepositMoney\",\"command_type\":\"WithdrawMoney\",\"aggregate_id\":\"acc-x\","
                    + "\"data\":{\"amount\":1}}",
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":NaN}}",
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":Infinity}}",
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc\u0000x\",\"data\":{\"amount\":1}}",
                "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":1}",
                "");
            // when, then
            for (String body : bodies) {
                String what = body.length() > 80 ? body.substring(0, 80) + "…" : body;
                Response answer = http.post(COMMANDS, body);
                assertThat(answer.status()).as(what + " -> " + answer.body()).isEqualTo(400);
                assertCleanError(answer.status(), answer.body(), what);
            }
            assertThat(accountEvents()).isEqualTo(before);
        }

        @Test
        void a_byte_order_mark_invalid_utf8_and_a_25_mb_string_are_refused_cleanly() {
            long before = accountEvents();
            byte[] valid = ("{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":1}}")
                .getBytes(StandardCharsets.UTF_8);
            byte[] bom = new byte[valid.length + 3];
            bom[0] = (byte) 0xEF;
            bom[1] = (byte) 0xBB;
            bom[2] = (byte) 0xBF;
            System.arraycopy(valid, 0, bom, 3, valid.length);
            Response withBom = http.post(COMMANDS, bom);
            assertThat(withBom.status()).as(withBom.body()).isIn(200, 400);
            assertCleanError(withBom.status(), withBom.body(), "BOM");
            byte[] invalid = ("{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-\u00ff\",\"data\":{\"amount\":1}}")
                .getBytes(StandardCharsets.ISO_8859_1);
            Response invalidUtf8 = http.post(COMMANDS, invalid);
            assertThat(invalidUtf8.status()).as(invalidUtf8.body()).isEqualTo(400);
            assertCleanError(invalidUtf8.status(), invalidUtf8.body(), "invalid UTF-8");
            Response huge = deposit("\"" + "9".repeat(25 * 1024 * 1024) + "\"");
            assertThat(huge.status()).isEqualTo(413);
            assertCleanError(huge.status(), huge.body(), "25 MB string");
            assertThat(accountEvents()).isEqualTo(before + (withBom.status() == 200 ? 1 : 0));
        }
    }

    @Nested
    class X5_versions_and_ids {

        private Response withVersion(String version) {
            return http.post(COMMANDS, "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"" + ACCOUNT
                + "\",\"expected_version\":" + version + ",\"data\":{\"amount\":1}}");
        }

        @Test
        void bad_expected_versions_are_400_and_an_unreachable_one_is_409() {
            long before = accountEvents();
            for (String bad : List.of("-5", "\"abc\"", "1.5", "1e3", "[1]", "92233720368547758070")) {
                Response answer = withVersion(bad);
                assertThat(answer.status()).as(bad + " -> " + answer.body()).isEqualTo(400);
                assertCleanError(answer.status(), answer.body(), bad);
            }
            Response max = withVersion(String.valueOf(Long.MAX_VALUE));
            assertThat(max.status()).as(max.body()).isEqualTo(409);
            assertCleanError(max.status(), max.body(), "Long.MAX_VALUE");
            assertThat(accountEvents()).isEqualTo(before);
        }

        @Test
        void raw_event_ids_in_other_forms_never_reach_sql() {
            long before = accountEvents();
            for (String id : List.of("not-a-uuid", "'; drop table el_events;--", "0", "")) {
                Response answer = http.get("/api/v1/events/" + URLs.encode(id));
                assertThat(answer.status()).as(id + " -> " + answer.body()).isIn(400, 404);
                assertCleanError(answer.status(), answer.body(), id);
            }
            assertThat(accountEvents()).isEqualTo(before);
        }
    }

    @Nested
    class X6_money {

        @Test
        void amounts_that_are_not_positive_money_are_refused_and_nothing_moves() {
            // given
            long before = accountEvents();
            // when, then
            for (String amount : List.of("-1", "0", "0.00", "1e400", "\"NaN\"", "\"1\"", "0.001", "1.005",
                "92233720368547758.08", "92233720368547758070", "null", "true", "{}")) {
                for (String type : List.of("DepositMoney", "WithdrawMoney")) {
                    Response answer = http.post(COMMANDS, "{\"command_type\":\"" + type + "\",\"aggregate_id\":\""
                        + ACCOUNT + "\",\"data\":{\"amount\":" + amount + "}}");
                    assertThat(answer.status()).as(type + " " + amount + " -> " + answer.body()).isIn(400, 422);
                    assertCleanError(answer.status(), answer.body(), type + " " + amount);
                }
            }
            assertThat(accountEvents()).isEqualTo(before);
        }

        @Test
        void a_transfer_to_the_same_account_is_refused_and_nothing_moves() {
            // given
            long before = accountEvents();
            // when
            Response answer = http.post("/api/v1/sagas", "{\"saga_type\":\"TransferSaga\",\"data\":"
                + "{\"from_account\":\"" + ACCOUNT + "\",\"to_account\":\"" + ACCOUNT + "\",\"amount\":1}}");
            // then
            assertThat(answer.status()).as(answer.body()).isEqualTo(400);
            assertCleanError(answer.status(), answer.body(), "transfer to the same account");
            assertThat(answer.body()).contains("to_account must differ from from_account");
            assertThat(accountEvents()).isEqualTo(before);
        }

        @Test
        void money_for_an_unknown_account_is_404_and_an_overdraft_is_422() {
            Response unknown = http.command("DepositMoney", "acc-nobody", "{\"amount\":1}");
            assertThat(unknown.status()).isEqualTo(404);
            assertCleanError(unknown.status(), unknown.body(), "unknown account");
            Response overdraft = http.command("WithdrawMoney", ACCOUNT, "{\"amount\":1000000}");
            assertThat(overdraft.status()).isEqualTo(422);
            assertCleanError(overdraft.status(), overdraft.body(), "overdraft");
        }
    }

    @Nested
    class X9_protocol {

        @Test
        void a_wrong_content_type_is_answered_cleanly() {
            Response answer = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + COMMANDS))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"command_type\":\"DepositMoney\",\"aggregate_id\":"
                    + "\"acc-x\",\"data\":{\"amount\":1}}")));
            assertThat(answer.status()).isIn(200, 400, 415);
            assertCleanError(answer.status(), answer.body(), "text/plain");
        }

        @Test
        void methods_without_routes_answer_405_or_404_as_json() {
            for (String method : List.of("PUT", "DELETE", "PATCH")) {
                Response answer = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + COMMANDS))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(answer.status()).as(method).isIn(404, 405);
                assertCleanError(answer.status(), answer.body(), method);
            }
        }

        @Test
        void a_chunked_body_without_length_is_read_like_any_other() {
            long before = accountEvents();
            byte[] body = ("{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":1}}")
                .getBytes(StandardCharsets.UTF_8);
            Response answer = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + COMMANDS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            assertThat(accountEvents()).isEqualTo(before + 1);
        }

        @Test
        void transfer_encoding_with_content_length_overlong_headers_and_lying_lengths_never_hang_or_leak()
            throws IOException {
            long before = accountEvents();
            String json = "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"acc-x\",\"data\":{\"amount\":1}}";
            // both framings: a smuggling attempt; the deposit is either refused or applied once, never twice
            String smuggled = "POST " + COMMANDS + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(json.length()) + "\r\n" + json + "\r\n0\r\n\r\n";
            String bothAnswer = raw(smuggled.getBytes(StandardCharsets.UTF_8));
            assertThat(status(bothAnswer)).as(bothAnswer).isIn(200, 400);
            assertNoLeak(bothAnswer, "TE and CL");
            // a 64 KiB header
            String overlong = raw(("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(64 * 1024)
                + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            assertThat(status(overlong)).as(overlong).isIn(0, 400, 413, 431);
            assertNoLeak(overlong, "overlong header");
            // a Content-Length smaller than the body that follows (the rest is not a second request)
            String lying = raw(("POST " + COMMANDS + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
                + "\r\nContent-Length: 10\r\nConnection: close\r\n\r\n" + json + "x".repeat(100_000))
                .getBytes(StandardCharsets.UTF_8));
            assertThat(status(lying)).as(lying).isEqualTo(400);
            assertCleanError(status(lying), body(lying), "short Content-Length");
            long after = accountEvents();
            assertThat(after).isBetween(before, before + 1);
        }

        private Response send(HttpRequest.Builder request) {
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(
                    request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
                return new Response(response.statusCode(), response.body(), parse(response.body()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Sends raw bytes and returns everything answered before the server closes or goes quiet for 5 s. */
        private String raw(byte[] request) throws IOException {
            try (Socket socket = new Socket("localhost", port)) {
                socket.setSoTimeout(5_000);
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(request);
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException closedEarly) {
                    // the server may answer and close before reading everything (413/431)
                }
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        answer.write(buffer, 0, n);
                    }
                } catch (SocketTimeoutException | java.net.SocketException quietOrReset) {
                    // keep what arrived
                }
                return answer.toString(StandardCharsets.UTF_8);
            }
        }

        private int status(String response) {
            if (!response.startsWith("HTTP/1.1 ")) {
                return 0;
            }
            return Integer.parseInt(response.substring(9, 12));
        }

        private String body(String response) {
            int start = response.indexOf("\r\n\r\n");
            if (start < 0) {
                return "";
            }
            String rest = response.substring(start + 4);
            int next = rest.indexOf("HTTP/1.1 ");
            return next >= 0 ? rest.substring(0, next) : rest;
        }
    }

    @Nested
    class X3_slow_and_oversized_bodies {

        private static final String JSON = "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\"" + ACCOUNT
            + "\",\"data\":{\"amount\":1}}";

        private Socket open(int contentLength) throws IOException {
            Socket socket = new Socket("localhost", port);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST " + COMMANDS + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                + "application/json\r\nContent-Length: " + contentLength + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            return socket;
        }

        /**
         * Slow-loris: 16 connections send their bodies a byte at a time, 100 ms apart; meanwhile other clients are
         * served. Then half of the slow bodies are finished (each deposit applied once) and half abandoned
         * mid-body (nothing written). A connection that stops sending altogether is closed by Jetty's idle timeout
         * (30 s by default), not waited for here.
         */
        @Test
        void slow_bodies_neither_block_other_clients_nor_write_anything_unless_complete() throws Exception {
            // given
            long before = accountEvents();
            byte[] body = JSON.getBytes(StandardCharsets.UTF_8);
            int slow = 16;
            int trickled = 20;
            List<Socket> sockets = new ArrayList<>();
            ExecutorService normal = Executors.newFixedThreadPool(2);
            try {
                for (int i = 0; i < slow; i++) {
                    Socket socket = open(body.length);
                    socket.getOutputStream().write(body, 0, body.length - trickled);
                    socket.getOutputStream().flush();
                    sockets.add(socket);
                }
                // when: the slow bodies trickle while 10 ordinary deposits are made
                Future<List<Integer>> served = normal.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        statuses.add(deposit("1").status());
                    }
                    statuses.add(http.get("/health").status());
                    return statuses;
                });
                for (int b = body.length - trickled; b < body.length - 1; b++) {
                    for (Socket socket : sockets) {
                        socket.getOutputStream().write(body[b]);
                        socket.getOutputStream().flush();
                    }
                    Thread.sleep(100);
                }
                // then: the others were served
                assertThat(served.get(60, java.util.concurrent.TimeUnit.SECONDS)).containsOnly(200);
                // when: half finish their last byte, half hang up one byte short
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < slow; i++) {
                    Socket socket = sockets.get(i);
                    if (i % 2 == 0) {
                        socket.getOutputStream().write(body[body.length - 1]);
                        socket.getOutputStream().flush();
                        answers.add(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    }
                    socket.close();
                }
                // then: each finished body was one deposit; no abandoned one wrote anything
                assertThat(answers).hasSize(slow / 2).allMatch(answer -> answer.startsWith("HTTP/1.1 200"));
                assertThat(accountEvents()).isEqualTo(before + 10 + slow / 2);
                assertThat(http.get("/health").status()).isEqualTo(200);
            } finally {
                normal.shutdownNow();
                for (Socket socket : sockets) {
                    socket.close();
                }
            }
        }

        /**
         * A 200 MB body behind a Content-Length of 10: the server takes the 10 bytes it was promised as the body,
         * refuses them (400), and treats the rest as nothing: it is never parsed as a second request and never
         * written. (Jetty reads and discards what follows on a connection it closes, so the client can send it all;
         * the figure printed says how much.)
         */
        @Test
        void a_200_mb_body_behind_a_small_content_length_is_refused_and_the_rest_never_parsed() throws Exception {
            long before = accountEvents();
            long limit = 200L * 1024 * 1024;
            long written = 0;
            long began = System.nanoTime();
            String answer;
            try (Socket socket = open(10)) {
                socket.setSoTimeout(10_000);
                byte[] chunk = new byte[64 * 1024];
                // after the 10 bytes: what would be a valid deposit request, again and again
                byte[] smuggled = ("POST " + COMMANDS + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                    + "application/json\r\nContent-Length: " + JSON.length() + "\r\n\r\n" + JSON)
                    .getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = smuggled[i % smuggled.length];
                }
                System.arraycopy(JSON.getBytes(StandardCharsets.UTF_8), 0, chunk, 0, 10);
                ExecutorService reader = Executors.newSingleThreadExecutor();
                try {
                    Future<String> reply = reader.submit(() -> {
                        ByteArrayOutputStream read = new ByteArrayOutputStream();
                        try {
                            socket.getInputStream().transferTo(read);
                        } catch (IOException resetOrQuiet) {
                            // keep what arrived
                        }
                        return read.toString(StandardCharsets.UTF_8);
                    });
                    try {
                        while (written < limit) {
                            socket.getOutputStream().write(chunk);
                            written += chunk.length;
                            if (written == chunk.length) {
                                System.arraycopy(smuggled, 0, chunk, 0, 10);
                            }
                        }
                        socket.shutdownOutput();
                    } catch (IOException cutOff) {
                        // the server closed the connection
                    }
                    answer = reply.get(60, java.util.concurrent.TimeUnit.SECONDS);
                } finally {
                    reader.shutdownNow();
                }
            }
            assertThat(answer).startsWith("HTTP/1.1 400");
            assertThat(answer.split("HTTP/1.1 ", -1)).as("one response only: " + answer).hasSize(2);
            assertNoLeak(answer, "200 MB body");
            assertThat(accountEvents()).isEqualTo(before);
            assertThat(http.get("/health").status()).isEqualTo(200);
            System.out.printf("[reliability] X-3 (ci): a 200 MB body (valid deposit requests repeated) behind "
                    + "Content-Length: 10: answered one 400, %d MiB sent by the client and discarded, 0 requests "
                    + "smuggled, nothing written; %.1f s%n", written / (1024 * 1024),
                (System.nanoTime() - began) / 1e9);
        }
    }

    @Nested
    class X4_type_names {

        private static final List<String> HOSTILE = List.of("java.lang.Runtime", "com.sun.rowset.JdbcRowSetImpl",
            "org.springframework.context.support.ClassPathXmlApplicationContext",
            "dev.eventline.examples.bank.account.AccountCommand$Deposit", "DepositMoney$1", "[Ljava.lang.Runtime;");

        @Test
        void gadget_and_inner_class_type_names_are_unknown_types_everywhere_and_write_nothing() {
            long before = accountEvents();
            for (String name : HOSTILE) {
                Response command = http.post(COMMANDS, "{\"command_type\":\"" + name + "\",\"aggregate_id\":\""
                    + ACCOUNT + "\",\"data\":{\"amount\":1}}");
                assertThat(command.status()).as(name + ": " + command.body()).isEqualTo(400);
                assertThat(command.errorCode()).as(name).isEqualTo("unknown_command_type");
                // the answer quotes the type it was sent, abbreviated (an echo, not a leak): check the rest
                assertCleanError(command.status(), command.body().replaceAll("'[^']*'", "'T'"), name);
                Response query = http.post("/api/v1/queries", "{\"query_type\":\"" + name
                    + "\",\"filters\":{}}");
                assertThat(query.status()).as(name + ": " + query.body()).isEqualTo(400);
                assertThat(query.errorCode()).as(name).isEqualTo("unknown_query_type");
                Response event = http.post("/api/v1/events", "{\"aggregate_id\":\"" + ACCOUNT + "\",\"event_type\":\""
                    + name + "\",\"data\":{}}");
                assertThat(event.status()).as(name + ": " + event.body()).isEqualTo(400);
                assertThat(event.errorCode()).as(name).isEqualTo("unknown_event_type");
                assertCleanError(event.status(), event.body().replaceAll("'[^']*'", "'T'"), name);
            }
            // a type hint inside the data of a known command is an ignored (or refused) field, never a class to load
            Response hinted = http.post(COMMANDS, "{\"command_type\":\"DepositMoney\",\"aggregate_id\":\""
                + ACCOUNT + "\",\"data\":{\"amount\":1,\"@class\":\"com.sun.rowset.JdbcRowSetImpl\"}}");
            assertThat(hinted.status()).as(hinted.body()).isIn(200, 400);
            assertCleanError(hinted.status(), hinted.body(), "@class hint");
            assertThat(accountEvents()).isEqualTo(before + (hinted.status() == 200 ? 1 : 0));
        }
    }

    /** URL path encoding for ids with odd characters. */
    private static final class URLs {
        static String encode(String id) {
            return java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }
}
