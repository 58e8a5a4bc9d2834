package dev.chat.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.TextRules;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * A request's JSON object body, read with a size limit and checked field by field; every problem
 * is a 400 naming the field (or 413/415 for the body as a whole).
 *
 * @param node the parsed object
 */
record JsonBody(JsonNode node) {

    /** Largest body accepted. */
    static final int MAX_BYTES = 64 * 1024;

    static JsonBody read(ServerRequest request) {
        String contentType = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw ApiProblem.unsupportedMediaType("the body must be application/json");
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw ApiProblem.badRequest(null, "the body could not be read");
        }
        if (bytes.length > MAX_BYTES) {
            throw ApiProblem.tooLarge("the body is larger than " + MAX_BYTES + " bytes");
        }
        String text;
        try {
            text = strictUtf8(bytes); // malformed UTF-8 is refused, not turned into U+FFFD and stored
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiProblem.badRequest(null, "the body is not valid UTF-8");
        }
        try {
            JsonNode node = Json.tree(text);
            if (node == null || !node.isObject()) {
                throw ApiProblem.badRequest(null, "the body must be a JSON object");
            }
            return new JsonBody(node);
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest(null, "the body is not valid JSON");
        }
    }

    String string(String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiProblem.badRequest(field, "'" + field + "' is required");
        }
        if (!value.isTextual()) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be a string");
        }
        return text(field, value.asText(), maxLength);
    }

    /**
     * A single-line text field from anywhere in a request (body or query): stripped, 1 to
     * {@code maxLength} characters, no control characters or broken Unicode ({@link TextRules}).
     *
     * @param field     its name, for the 400
     * @param raw       its value
     * @param maxLength most characters (code points)
     * @return the stripped text
     */
    static String text(String field, String raw, int maxLength) {
        String text = raw.strip();
        String problem = TextRules.problem(text, false);
        if (problem != null) {
            throw ApiProblem.badRequest(field, "'" + field + "' " + problem);
        }
        if (text.isEmpty() || text.codePointCount(0, text.length()) > maxLength) {
            throw ApiProblem.badRequest(field, "'" + field + "' must have 1 to " + maxLength + " characters");
        }
        return text;
    }

    /**
     * A single-line text query parameter ({@link #text}), percent-decoded strictly: escapes that do
     * not form UTF-8 are a 400, not U+FFFD (which the server's own decoding would substitute).
     *
     * @param query     the request's query
     * @param field     the parameter
     * @param maxLength most characters
     * @return the stripped text
     */
    static String queryText(io.helidon.common.uri.UriQuery query, String field, int maxLength) {
        String raw = query.getRaw(field);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()
                    && Character.digit(raw.charAt(i + 1), 16) >= 0 && Character.digit(raw.charAt(i + 2), 16) >= 0) {
                bytes.write(Character.digit(raw.charAt(i + 1), 16) * 16 + Character.digit(raw.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return text(field, strictUtf8(bytes.toByteArray()), maxLength);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ApiProblem.badRequest(field, "'" + field + "' is not valid UTF-8 once percent-decoded");
        }
    }

    private static String strictUtf8(byte[] bytes) throws java.nio.charset.CharacterCodingException {
        return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    }

    String optionalString(String field, int maxLength) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : string(field, maxLength);
    }

    boolean optionalBoolean(String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    long userId(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiProblem.badRequest(field, "'" + field + "' is required");
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() <= 0) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be a user id (a positive integer)");
        }
        return value.asLong();
    }

    List<Long> userIds(String field, int max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw ApiProblem.badRequest(field, "'" + field + "' is required");
        }
        if (!value.isArray() || value.size() > max) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be an array of at most " + max + " user ids");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : value) {
            if (!id.isIntegralNumber() || !id.canConvertToLong() || id.asLong() <= 0) {
                throw ApiProblem.badRequest(field, "'" + field + "' must hold user ids (positive integers)");
            }
            if (!ids.contains(id.asLong())) {
                ids.add(id.asLong());
            }
        }
        return ids;
    }

    UUID timeUuid(String field) {
        UUID id = uuid(field, string(field, 36));
        if (id.version() != 1) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be a message id (a TIMEUUID)");
        }
        return id;
    }

    static UUID uuid(String field, String text) {
        try {
            UUID id = UUID.fromString(text);
            if (id.toString().equalsIgnoreCase(text)) {
                return id;
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ApiProblem.badRequest(field, "'" + field + "' must be a UUID");
    }
}
