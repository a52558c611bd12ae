package dev.eventline.examples.bank.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;

/**
 * A canonical fingerprint of a JSON request, to tell "the same command again" from "another command under the
 * same id": keys sorted, numbers compared by value ({@code 500} equals {@code 500.00}), whitespace ignored.
 */
final class Canonical {

    private Canonical() {
    }

    /**
     * @param node the request body
     * @param ignoredTopLevelField a top-level field left out of the fingerprint (the id itself)
     * @return the lowercase hex SHA-256 of the canonical form
     */
    static String hash(JsonNode node, String ignoredTopLevelField) {
        var text = new StringBuilder();
        write(node, text, ignoredTopLevelField);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString()
                .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void write(JsonNode node, StringBuilder out, String ignored) {
        if (node.isObject()) {
            var names = new ArrayList<String>();
            node.fieldNames().forEachRemaining(names::add);
            Collections.sort(names);
            out.append('{');
            for (String name : names) {
                if (name.equals(ignored) || node.get(name).isNull()) {
                    continue;
                }
                out.append('"').append(escape(name)).append("\":");
                write(node.get(name), out, null);
                out.append(',');
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (JsonNode element : node) {
                write(element, out, null);
                out.append(',');
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(node.decimalValue().stripTrailingZeros().toPlainString());
        } else if (node.isTextual()) {
            out.append('"').append(escape(node.textValue())).append('"');
        } else {
            out.append(node.toString());
        }
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
