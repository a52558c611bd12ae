package dev.eventline.core.command.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.eventline.core.ConfigurationException;
import dev.eventline.core.SerializationException;
import dev.eventline.core.ValidationException;
import dev.eventline.core.Violation;
import dev.eventline.core.serialization.EventSerializer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns JSON envelopes into registered command and query records, strictly, and fingerprints messages for
 * idempotency. Shared by both buses so both report decoding errors the same way.
 * <p>
 * The mapper never uses default typing: the Java type always comes from the bus's registry, never from the JSON.
 */
public final class MessageJson {

    private static final Pattern MISSING_PROPERTY = Pattern.compile("creator property '([^']+)'");
    /** The same limits and safety settings as stored events: nesting, sizes, duplicate keys, no default typing. */
    private static final MessageJson DEFAULT = new MessageJson(EventSerializer.defaultObjectMapper());

    private final ObjectMapper reader;
    private final ObjectMapper canonicalWriter;

    private MessageJson(ObjectMapper base) {
        this.reader = base.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            // Money arrives in JSON as decimals: keep "12.50" exact instead of rounding through double.
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
        this.canonicalWriter = base.copy()
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    /** @return the decoder over {@link EventSerializer#defaultObjectMapper()}, made strict */
    public static MessageJson defaults() {
        return DEFAULT;
    }

    /**
     * @param mapper the application's mapper; copied, then made strict
     * @return a decoder based on it
     * @throws ConfigurationException when the mapper has default typing enabled
     */
    public static MessageJson of(ObjectMapper mapper) {
        Objects.requireNonNull(mapper, "mapper");
        if (mapper.getDeserializationConfig().getDefaultTyper(null) != null) {
            throw new ConfigurationException("The ObjectMapper given to the bus has default typing enabled, which "
                + "lets JSON pick Java classes (a remote-code-execution risk). Pass a mapper without "
                + "activateDefaultTyping/enableDefaultTyping.");
        }
        return new MessageJson(mapper);
    }

    /**
     * @param typeName the message type, for error messages
     * @param json JSON text
     * @return the parsed tree
     * @throws ValidationException when the text is not one well-formed JSON object
     */
    public JsonNode parse(String typeName, String json) {
        Objects.requireNonNull(json, "json");
        try {
            var tree = reader.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw invalid(typeName, Violation.WHOLE_MESSAGE, "is empty; send a JSON object", null);
            }
            return tree;
        } catch (JsonProcessingException e) {
            throw invalid(typeName, Violation.WHOLE_MESSAGE, "is not well-formed JSON ("
                + e.getOriginalMessage() + "); send a JSON object", e);
        }
    }

    /**
     * Converts a JSON object into the registered type, reporting every missing and unknown field at once.
     *
     * @param typeName the message type name, for error messages
     * @param data the JSON object
     * @param type the registered Java type
     * @param <T> the Java type
     * @return the message
     * @throws ValidationException when the JSON does not fit the type, naming the fields
     */
    public <T> T decode(String typeName, JsonNode data, Class<T> type) {
        Objects.requireNonNull(data, "data");
        if (!data.isObject()) {
            throw invalid(typeName, Violation.WHOLE_MESSAGE, "must be a JSON object (was: " + data.getNodeType()
                + ")", null);
        }
        try {
            return reader.treeToValue(data, type);
        } catch (JsonProcessingException e) {
            var violations = fieldViolations(data, type);
            if (violations.isEmpty()) {
                violations.add(violation(e));
            }
            throw new ValidationException(typeName, violations, e);
        } catch (IllegalArgumentException e) {
            throw invalid(typeName, Violation.WHOLE_MESSAGE, String.valueOf(e.getMessage()), e);
        }
    }

    /**
     * @param typeName the message type name
     * @param message the message
     * @return a SHA-256 hex digest of the type name and the message's canonical JSON (sorted keys)
     */
    public String fingerprint(String typeName, Object message) {
        try {
            var digest = MessageDigest.getInstance("SHA-256");
            digest.update(typeName.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(canonicalWriter.writeValueAsBytes(message));
            return HexFormat.of().formatHex(digest.digest());
        } catch (JsonProcessingException e) {
            throw new SerializationException("Cannot fingerprint command '" + typeName + "' for idempotency: it "
                + "cannot be written as JSON (" + e.getOriginalMessage() + "). Make the command a record of "
                + "JSON-serializable values.", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private List<Violation> fieldViolations(JsonNode data, Class<?> type) {
        var violations = new ArrayList<Violation>();
        Set<String> known = new LinkedHashSet<>();
        var description = reader.getDeserializationConfig().introspect(reader.constructType(type));
        for (BeanPropertyDefinition property : description.findProperties()) {
            known.add(property.getName());
        }
        for (String name : known) {
            var value = data.get(name);
            if (value == null || value.isNull()) {
                violations.add(new Violation(name, "is required"));
            }
        }
        data.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                violations.add(new Violation(name, "is not a field of this type; remove it (known: " + known + ")"));
            }
        });
        return violations;
    }

    private static Violation violation(JsonProcessingException e) {
        if (e instanceof ValueInstantiationException) {
            var cause = e.getCause() != null ? e.getCause() : e;
            return new Violation(Violation.WHOLE_MESSAGE, String.valueOf(cause.getMessage()));
        }
        if (e instanceof MismatchedInputException mismatch) {
            var path = path(mismatch);
            if (mismatch instanceof UnrecognizedPropertyException unknown) {
                return new Violation(path, "is not a field of this type; remove it (known: "
                    + unknown.getKnownPropertyIds() + ")");
            }
            var missing = MISSING_PROPERTY.matcher(String.valueOf(mismatch.getOriginalMessage()));
            if (missing.find()) {
                var field = path.equals(Violation.WHOLE_MESSAGE) ? missing.group(1) : path + "." + missing.group(1);
                return new Violation(field, "is required");
            }
            var expected = mismatch.getTargetType() == null ? "another JSON type"
                : mismatch.getTargetType().getSimpleName();
            if (mismatch instanceof InvalidFormatException format) {
                return new Violation(path, "has an invalid value (value: " + format.getValue() + "); expected "
                    + expected);
            }
            return new Violation(path, "has the wrong JSON type; expected " + expected);
        }
        return new Violation(Violation.WHOLE_MESSAGE, String.valueOf(e.getOriginalMessage()));
    }

    private static String path(MismatchedInputException e) {
        var path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? Violation.WHOLE_MESSAGE : path.toString();
    }

    private static ValidationException invalid(String typeName, String field, String message, Throwable cause) {
        return new ValidationException(typeName, List.of(new Violation(field, message)), cause);
    }
}
