package dev.chat.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.auth.Tokens;
import dev.chat.common.wire.Json;

/**
 * Generated bad requests against every REST endpoint, each with the status the API documents:
 * malformed bodies (prefixes of a valid body, seeded garbage, scalars, trailing tokens, deep
 * nesting, invalid UTF-8, empty, too large, wrong content type), every body field replaced by
 * values of the wrong type or out of range, invalid text (NUL, controls, unpaired surrogates),
 * malformed, unknown and foreign ids in paths, bad query parameters, and missing, malformed,
 * forged and expired tokens on every authenticated route. Deterministic (fixed seed).
 *
 * @param tokens  the api's token issuer
 * @param caller  the user the requests come from
 * @param admin   an administrator
 * @param other   another user (exists, shares a channel with the caller)
 * @param member  a group the caller is in (not its owner)
 * @param foreign an existing group the caller is not in
 */
record RequestCorpus(Tokens tokens, long caller, long admin, long other, UUID member, UUID foreign) {

    /**
     * One case.
     *
     * @param name          what it tries
     * @param method        HTTP method
     * @param path          path and query
     * @param authorization the Authorization header (null: none)
     * @param contentType   the Content-Type header (null: none)
     * @param body          the body (null: none)
     * @param status        the status it must get
     * @param field         the {@code field} the problem must name (null: not checked)
     */
    record Case(String name, String method, String path, String authorization, String contentType, byte[] body,
                int status, String field) {
    }

    private static final Object[] WRONG_VALUES = {
        123, -1, 0, 1.5, true, List.of(), Map.of(), List.of("x"), List.of(List.of(1)), "",
        new java.math.BigInteger("9223372036854775808"), new java.math.BigInteger("-9223372036854775809"),
    };
    private static final String JSON = "application/json";
    /** Writes every non-ASCII character as a JSON escape, so a lone surrogate reaches the server as {@code \\uD800}. */
    private static final com.fasterxml.jackson.databind.ObjectMapper ASCII = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();

    List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Endpoint endpoint : bodyEndpoints()) {
            malformedBodies(cases, endpoint);
            wrongFields(cases, endpoint);
        }
        paths(cases);
        queries(cases);
        authentication(cases);
        return cases;
    }

    /** An endpoint that takes a JSON body: a valid body and the bad values of each of its fields. */
    private record Endpoint(String method, String path, String authorization, Map<String, Object> valid,
                            Map<String, List<Object>> badValues, int unknownFieldStatus) {
    }

    private List<Endpoint> bodyEndpoints() {
        List<Object> badText = List.of("a\u0000b", "\u0007", "x\uD800", "\uDC00y", "\u001b[2J", "\u0085");
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("name", "g");
        group.put("type", "group");
        group.put("member_ids", List.of(caller, 999_999_999L)); // no such user: the valid body still creates nothing
        Map<String, List<Object>> groupBad = new LinkedHashMap<>();
        groupBad.put("name", concat(badText, List.of("n".repeat(256))));
        groupBad.put("type", List.of("GROUP", "channel", "direct\u0000"));
        groupBad.put("member_ids", List.of(List.of(other), List.of(caller, -1), List.of(caller, 0), List.of(caller, "2"),
                List.of(caller, 1.5), nCopies(10_001, caller)));
        groupBad.put("anyone_can_add", List.of("true", 1, List.of(true)));
        return List.of(
                new Endpoint("POST", "/api/v1/channels", bearer(caller), group, groupBad, 400),
                new Endpoint("POST", "/api/v1/channels/" + member + "/messages", bearer(caller),
                        Map.of("content", "hello", "client_id", "corpus-1"),
                        Map.of("content", concat(badText, List.of("   ", "\t")),
                                "client_id", concat(badText, List.of("c".repeat(65), "  ")),
                                "msg_type", List.of("video", "TEXT", "")), 201),
                new Endpoint("POST", "/api/v1/channels/" + member + "/members", bearer(caller),
                        Map.of("user_id", 999_999_999L), Map.of("user_id", List.of("1", 1.5, -1, 0)), 403),
                new Endpoint("PUT", "/api/v1/channels/" + member + "/read", bearer(caller),
                        Map.of("last_read_message_id", "0d5e2d40-ec4a-11f1-8000-000000000000"),
                        Map.of("last_read_message_id", List.of(UUID.randomUUID().toString(), "0d5e2d40-ec4a-11f1-8000-00000000000",
                                "0D5E2D40EC4A11F1800000000000000", "{0d5e2d40-ec4a-11f1-8000-000000000000}", "x\u0000")), 200),
                new Endpoint("POST", "/api/v1/users", bearer(admin), Map.of("name", "u\u0000"),
                        Map.of("name", concat(badText, List.of("n".repeat(65), "   "))), 400),
                new Endpoint("POST", "/api/v1/dev/login", null, Map.of("name", "x".repeat(65)),
                        Map.of("name", concat(badText, List.of("   "))), 400));
    }

    private void malformedBodies(List<Case> cases, Endpoint e) {
        String label = e.method() + " " + e.path().replace(member.toString(), "{id}");
        String valid = encode(e.valid());
        for (int cut = 0; cut < valid.length(); cut += Math.max(1, valid.length() / 12)) {
            cases.add(body(label + " prefix " + cut, e, valid.substring(0, cut), 400));
        }
        Random random = new Random(20261129L + label.hashCode());
        String alphabet = "{}[]\":,.-+0123456789eEtrufalsn \\/abc\u00e9";
        for (int made = 0; made < 8; ) {
            StringBuilder garbage = new StringBuilder();
            for (int i = 0, length = 1 + random.nextInt(30); i < length; i++) {
                garbage.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            JsonNode parsed = tryParse(garbage.toString());
            if (parsed == null || !parsed.isObject()) {
                cases.add(body(label + " garbage " + made++, e, garbage.toString(), 400));
            }
        }
        for (String scalar : List.of("null", "[]", "\"x\"", "1", "true")) {
            cases.add(body(label + " body " + scalar, e, scalar, 400));
        }
        cases.add(body(label + " trailing", e, valid + "}", 400));
        cases.add(body(label + " two objects", e, valid + valid, 400));
        cases.add(body(label + " nested 5000", e, "{\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}", 400));
        cases.add(new Case(label + " invalid UTF-8", e.method(), e.path(), e.authorization(), JSON,
                concat(valid.substring(0, valid.length() - 1).getBytes(StandardCharsets.UTF_8),
                        ",\"x\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1)), 400, null));
        cases.add(new Case(label + " no body", e.method(), e.path(), e.authorization(), JSON, new byte[0], 400, null));
        cases.add(new Case(label + " body over 64 KiB", e.method(), e.path(), e.authorization(), JSON,
                ("{\"x\":\"" + "y".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8), 413, null));
        cases.add(new Case(label + " text/plain", e.method(), e.path(), e.authorization(), "text/plain",
                valid.getBytes(StandardCharsets.UTF_8), 415, null));
        cases.add(new Case(label + " no content type", e.method(), e.path(), e.authorization(), null,
                valid.getBytes(StandardCharsets.UTF_8), 415, null));
    }

    private void wrongFields(List<Case> cases, Endpoint e) {
        String label = e.method() + " " + e.path().replace(member.toString(), "{id}");
        for (String field : e.valid().keySet()) {
            boolean optional = field.equals("anyone_can_add");
            List<Object> values = new ArrayList<>(List.of(WRONG_VALUES));
            values.removeIf(v -> field.equals("anyone_can_add") && v instanceof Boolean);
            values.removeIf(v -> field.equals("user_id") && v instanceof Integer n && n > 0);
            values.addAll(e.badValues().getOrDefault(field, List.of()));
            for (Object value : values) {
                cases.add(body(label + " " + field + "=" + encode(value), e, encode(with(e.valid(), field, value)),
                        400, field));
            }
            if (!optional) {
                Map<String, Object> without = new LinkedHashMap<>(e.valid());
                without.remove(field);
                cases.add(body(label + " without " + field, e, encode(without), 400, field));
                cases.add(body(label + " " + field + "=null", e, encode(with(e.valid(), field, null)), 400, field));
            }
        }
        // unknown fields are ignored: the answer is the valid body's
        cases.add(body(label + " unknown fields", e, encode(with(with(e.valid(), "zzz", 1), "nested", Map.of("a", List.of()))),
                e.unknownFieldStatus()));
    }

    // -- path parameters: malformed, unknown, foreign

    private void paths(List<Case> cases) {
        List<String> channelRoutes = List.of("GET /messages", "GET /read", "POST /members", "PUT /read");
        for (String route : channelRoutes) {
            String method = route.substring(0, route.indexOf(' '));
            String suffix = route.substring(route.indexOf(' ') + 1);
            String body = switch (suffix) {
                case "/members" -> encode(Map.of("user_id", other));
                case "/read" -> encode(Map.of("last_read_message_id", "0d5e2d40-ec4a-11f1-8000-000000000000"));
                default -> null;
            };
            for (String id : List.of("x", "1", "null", member.toString().replace("-", ""), member + "0",
                    member.toString().substring(1), "%00", "%2e%2e", "a".repeat(2_000))) {
                cases.add(request(method + " channel " + abbreviate(id) + suffix, method, "/api/v1/channels/" + id + suffix, body, 404));
            }
            cases.add(request(method + " unknown channel" + suffix, method, "/api/v1/channels/" + UUID.randomUUID() + suffix, body, 404));
            cases.add(request(method + " foreign channel" + suffix, method, "/api/v1/channels/" + foreign + suffix, body, 403));
        }
        for (String id : List.of("x", "-1", "0", "1.5", "99999999999999999999", "%00", "1e3", "999999999")) {
            cases.add(request("user " + id, "GET", "/api/v1/users/" + id, null, 404));
            cases.add(request("presence of user " + id, "GET", "/api/v1/users/" + id + "/presence", null, 404));
            cases.add(request("block user " + id, "PUT", "/api/v1/blocks/" + id, null, 404));
            cases.add(request("unblock user " + id, "DELETE", "/api/v1/blocks/" + id, null, 404));
        }
        cases.add(request("block yourself", "PUT", "/api/v1/blocks/" + caller, null, 400));
        cases.add(request("users created by a non-administrator", "POST", "/api/v1/users", encode(Map.of("name", "nope")), 403));
        cases.add(request("a member (not the owner) adds someone", "POST", "/api/v1/channels/" + member + "/members",
                encode(Map.of("user_id", other)), 403));
    }

    // -- query parameters

    private void queries(List<Case> cases) {
        String messages = "/api/v1/channels/" + member + "/messages";
        for (String value : List.of("x", "", "0", "-1", "201", "1.5", "1e2", "99999999999999999999", "%00", "1%20")) {
            cases.add(request("limit=" + value, "GET", messages + "?limit=" + value, null, 400, "limit"));
        }
        for (String cursor : List.of("before_id", "after_id")) {
            for (String value : List.of("x", "", UUID.randomUUID().toString(), "0d5e2d40-ec4a-11f1-8000-00000000000",
                    "0d5e2d40ec4a11f18000000000000000", "%00", "0d5e2d40-ec4a-11f1-8000-000000000000%00")) {
                cases.add(request(cursor + "=" + abbreviate(value), "GET", messages + "?" + cursor + "=" + value, null, 400, cursor));
            }
        }
        cases.add(request("both cursors", "GET", messages + "?before_id=0d5e2d40-ec4a-11f1-8000-000000000000"
                + "&after_id=0d5e2d40-ec4a-11f1-8000-000000000000", null, 400, "after_id"));
        for (String name : List.of("", "%00", "a%07b", "%ED%A0%80", "n".repeat(65))) {
            cases.add(request("users?name=" + abbreviate(name), "GET", "/api/v1/users?name=" + name, null, 400, "name"));
        }
        cases.add(request("users without name", "GET", "/api/v1/users", null, 400, "name"));
        cases.add(request("users?name= unknown", "GET", "/api/v1/users?name=nobody-" + UUID.randomUUID(), null, 404));
    }

    // -- tokens on every authenticated route

    private void authentication(List<Case> cases) {
        Algorithm otherKey = Algorithm.HMAC256("another-key-of-at-least-thirty-two-characters");
        Map<String, String> badHeaders = new LinkedHashMap<>();
        badHeaders.put("no header", null);
        badHeaders.put("Bearer only", "Bearer");
        badHeaders.put("Bearer garbage", "Bearer not-a-token");
        badHeaders.put("Basic", "Basic dXNlcjpwYXNz");
        badHeaders.put("expired", bearerToken(tokens.issue(caller, Duration.ofMinutes(-10))));
        badHeaders.put("another key", bearerToken(JWT.create().withIssuer("chat").withSubject(Long.toString(caller))
                .withExpiresAt(java.time.Instant.now().plusSeconds(600)).sign(otherKey)));
        badHeaders.put("alg none", bearerToken(JWT.create().withIssuer("chat").withSubject(Long.toString(caller))
                .withExpiresAt(java.time.Instant.now().plusSeconds(600)).sign(Algorithm.none())));
        badHeaders.put("two tokens", bearer(caller) + " " + tokens.issue(caller, Duration.ofMinutes(5)));
        badHeaders.put("unknown API token", bearerToken(dev.chat.common.auth.ApiTokens.mint()));
        badHeaders.put("API token prefix only", bearerToken(dev.chat.common.auth.ApiTokens.PREFIX));
        List<String> routes = new ArrayList<>(ApiMain.ROUTES);
        routes.remove("POST /api/v1/dev/login");
        for (String route : routes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace("{id}",
                    route.contains("/users/") || route.contains("/bots/") ? Long.toString(other) : member.toString())
                    .replace("{user_id}", Long.toString(other)).replace("{token_id}", UUID.randomUUID().toString())
                    .replace("{webhook_id}", UUID.randomUUID().toString())
                    .replace("{message_id}", UUID.randomUUID().toString()).replace("{emoji}", "%F0%9F%91%8D")
                    .replace("{file_id}", UUID.randomUUID().toString());
            for (var header : badHeaders.entrySet()) {
                cases.add(new Case(route + " " + header.getKey(), method, path, header.getValue(), JSON,
                        method.equals("GET") || method.equals("DELETE") ? null : "{}".getBytes(StandardCharsets.UTF_8), 401, null));
            }
        }
    }

    // -- helpers

    private String bearer(long userId) {
        return bearerToken(tokens.issue(userId, Duration.ofMinutes(30)));
    }

    private static String bearerToken(String token) {
        return "Bearer " + token;
    }

    private static Case body(String name, Endpoint e, String body, int status) {
        return body(name, e, body, status, null);
    }

    private static Case body(String name, Endpoint e, String body, int status, String field) {
        return new Case(name, e.method(), e.path(), e.authorization(), JSON, body.getBytes(StandardCharsets.UTF_8), status, field);
    }

    private Case request(String name, String method, String path, String body, int status) {
        return request(name, method, path, body, status, null);
    }

    private Case request(String name, String method, String path, String body, int status, String field) {
        return new Case(name, method, path, bearer(caller), body == null ? null : JSON,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), status, field);
    }

    private static Map<String, Object> with(Map<String, Object> body, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(body);
        copy.put(field, value);
        return copy;
    }

    private static List<Object> concat(List<Object> a, List<Object> b) {
        List<Object> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static List<Long> nCopies(int n, long value) {
        return java.util.Collections.nCopies(n, value);
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…(" + text.length() + ")" : text;
    }

    private static String encode(Object value) {
        try {
            return ASCII.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode tryParse(String text) {
        try {
            return Json.tree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
