package dev.eventline.examples.bank.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Answers requests that Jetty refuses while parsing them (headers too large, both Transfer-Encoding and
 * Content-Length, …) with the API's JSON error body instead of Jetty's HTML page; such requests never reach the
 * application's routes.
 */
final class JsonBadMessageHandler extends ErrorHandler {

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String code = switch (status) {
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> "bad_request";
        };
        String message = reason == null || reason.isBlank() ? "the request could not be parsed" : reason;
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        String body = "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + escape(message) + "\"}}";
        return ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                escaped.append('\\').append(c);
            } else if (c < 0x20) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
