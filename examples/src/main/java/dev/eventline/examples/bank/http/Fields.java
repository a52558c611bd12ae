package dev.eventline.examples.bank.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads typed fields out of a JSON object, failing with a 400 whose message names the field.
 * <p>
 * Every accessor takes the field's path prefix (e.g. {@code "data."}) so messages say exactly where the
 * problem is: {@code "data.amount must be a number (got: string)"}.
 */
final class Fields {

    private final JsonNode node;
    private final String prefix;

    private Fields(JsonNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    /**
     * @param node a JSON value that must be an object
     * @param path the object's path for messages ("" for the body, "data" for a nested object)
     * @return an accessor over the object
     */
    static Fields of(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw ApiException.badRequest((path.isEmpty() ? "the request body" : path) + " must be a JSON object"
                + " (got: " + kind(node) + ")");
        }
        return new Fields(node, path.isEmpty() ? "" : path + ".");
    }

    JsonNode node() {
        return node;
    }

    boolean has(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    String name(String field) {
        return prefix + field;
    }

    JsonNode require(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiException.badRequest(name(field) + " is required");
        }
        return value;
    }

    String text(String field) {
        JsonNode value = require(field);
        if (!value.isTextual()) {
            throw ApiException.badRequest(name(field) + " must be a string (got: " + kind(value) + ")");
        }
        return value.textValue();
    }

    String optionalText(String field) {
        return has(field) ? text(field) : null;
    }

    /**
     * An id: a non-blank string of at most {@code maxLength} characters.
     */
    String id(String field, int maxLength) {
        String value = text(field);
        checkId(name(field), value, maxLength);
        return value;
    }

    static void checkId(String name, String value, int maxLength) {
        if (value.isBlank()) {
            throw ApiException.badRequest(name + " must not be blank");
        }
        if (value.length() > maxLength) {
            throw ApiException.badRequest(name + " must be at most " + maxLength + " characters (length: "
                + value.length() + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw ApiException.badRequest(name + " must not contain control characters (at index " + i + ")");
            }
        }
    }

    BigDecimal decimal(String field) {
        JsonNode value = require(field);
        if (!value.isNumber()) {
            throw ApiException.badRequest(name(field) + " must be a number (got: " + kind(value) + ")");
        }
        return value.decimalValue();
    }

    long integer(String field) {
        JsonNode value = require(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw ApiException.badRequest(name(field) + " must be an integer (got: " + kind(value) + ")");
        }
        return value.longValue();
    }

    Long optionalInteger(String field) {
        return has(field) ? integer(field) : null;
    }

    boolean bool(String field, boolean defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        JsonNode value = node.get(field);
        if (!value.isBoolean()) {
            throw ApiException.badRequest(name(field) + " must be true or false (got: " + kind(value) + ")");
        }
        return value.booleanValue();
    }

    Instant instant(String field) {
        String value = text(field);
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest(name(field) + " must be an ISO-8601 instant such as "
                + "2024-01-31T23:59:59Z (got: " + abbreviate(value) + ")");
        }
    }

    Fields object(String field) {
        return of(require(field), prefix + field);
    }

    JsonNode array(String field) {
        JsonNode value = require(field);
        if (!value.isArray()) {
            throw ApiException.badRequest(name(field) + " must be an array (got: " + kind(value) + ")");
        }
        return value;
    }

    static String kind(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isTextual()) {
            return "string";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isArray()) {
            return "array";
        }
        return "object";
    }

    static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
