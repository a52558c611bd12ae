package dev.eventline.examples.bank.http;

import java.util.Objects;

/**
 * An HTTP-level failure with the status and error code the contract prescribes.
 * <p>
 * Thrown by request parsing and by the application layer; {@link HttpApi} turns it into
 * {@code {"error": {"code": …, "message": …}}}. The message never holds a stack trace or SQL.
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    /**
     * @param status the HTTP status
     * @param code the stable snake_case error code
     * @param message what went wrong and what to do
     */
    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the stable snake_case error code */
    public String code() {
        return code;
    }

    /**
     * @param message what is wrong with the request, naming the field
     * @return a 400 {@code invalid_request}
     */
    public static ApiException badRequest(String message) {
        return new ApiException(400, "invalid_request", message);
    }

    /**
     * @param code the error code
     * @param message what was not found
     * @return a 404
     */
    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }
}
