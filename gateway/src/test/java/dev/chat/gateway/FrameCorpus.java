package dev.chat.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;

/**
 * Generated bad (and borderline) WebSocket frames, each with the answer the protocol documents:
 * malformed JSON (every prefix of a valid frame, seeded random garbage, scalars, trailing tokens,
 * bad escapes, deep nesting), missing fields, every field of every frame type replaced by values
 * of the wrong type or out of range, invalid text (NUL, controls, unpaired surrogates), wrong and
 * foreign ids, unknown fields, oversized and binary frames. Deterministic (fixed seed).
 *
 * @param member   a group the user is a member of
 * @param foreign  an existing group the user is not in
 * @param stranger a user who shares no channel with the user
 */
record FrameCorpus(UUID member, UUID foreign, long stranger) {

    /**
     * One case.
     *
     * @param name     what it tries
     * @param text     the text frame (null for a binary frame)
     * @param binary   the binary frame (null for a text frame)
     * @param expected the error code it must get, or null when it is valid and gets no error
     * @param clientId the client_id the error must echo (null: none expected)
     * @param acked    a message that must be accepted (its client_id), or null
     */
    record Case(String name, String text, byte[] binary, String expected, String clientId, String acked) {
    }

    private static final Object[] WRONG_VALUES = {
        123, -1, 0, 1.5, true, false, List.of(), Map.of(), Map.of("a", 1), List.of("x"),
        new java.math.BigInteger("9223372036854775808"), new java.math.BigInteger("-9223372036854775809"),
    };

    List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        malformed(cases);
        missingFields(cases);
        wrongTypes(cases);
        badText(cases);
        ids(cases);
        unknownFields(cases);
        oversized(cases);
        return cases;
    }

    // -- malformed JSON

    private void malformed(List<Case> cases) {
        String valid = Json.encode(message("cut"));
        for (int cut = 0; cut < valid.length(); cut += 2) {
            cases.add(text("prefix " + cut, valid.substring(0, cut), "bad_json"));
        }
        Random random = new Random(20261129L);
        String alphabet = "{}[]\":,.-+0123456789eEtrufalsn \\/abcxyz\u00e9\u4e2d";
        int made = 0;
        while (made < 60) {
            StringBuilder garbage = new StringBuilder();
            int length = 1 + random.nextInt(40);
            for (int i = 0; i < length; i++) {
                garbage.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            JsonNode parsed = tryParse(garbage.toString());
            if (parsed != null && parsed.isObject()) {
                continue; // an object after all: not a malformed case
            }
            cases.add(text("garbage " + made++, garbage.toString(), "bad_json"));
        }
        for (String scalar : List.of("", " ", "null", "true", "0", "-1", "1e999", "\"message\"", "[]",
                "[{\"type\":\"heartbeat\"}]", "NaN", "'single'", "{'type':'heartbeat'}", "{type:\"heartbeat\"}")) {
            cases.add(text("not an object: " + scalar, scalar, "bad_json"));
        }
        for (String tail : List.of("}", "{}", " x", ",", "]", "\u0000")) {
            cases.add(text("trailing " + tail, Json.encode(message("t")) + tail, "bad_json"));
        }
        for (String escape : List.of("\\x41", "\\u12", "\\uZZZZ", "\\q", "\\'")) {
            cases.add(text("escape " + escape, "{\"type\":\"message\",\"channel_id\":\"" + member
                    + "\",\"client_id\":\"e\",\"content\":\"a" + escape + "b\"}", "bad_json"));
        }
        for (int depth : List.of(1_001, 2_000, 5_000)) {
            cases.add(text("nested " + depth, "{\"type\":\"heartbeat\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}",
                    "bad_json"));
        }
        String deepButAllowed = "[".repeat(200) + "]".repeat(200);
        cases.add(acked("nested 200 in an unknown field", "{\"type\":\"message\",\"channel_id\":\"" + member
                + "\",\"client_id\":\"deep\",\"content\":\"ok\",\"x\":" + deepButAllowed + "}", "deep"));
    }

    // -- missing fields

    private void missingFields(List<Case> cases) {
        for (String field : List.of("channel_id", "content")) {
            Map<String, Object> frame = message("miss-" + field);
            frame.remove(field);
            cases.add(text("message without " + field, Json.encode(frame), "missing_field", "miss-" + field));
        }
        Map<String, Object> noClientId = message("x");
        noClientId.remove("client_id");
        cases.add(text("message without client_id", Json.encode(noClientId), "missing_field"));
        Map<String, Object> noType = message("x");
        noType.remove("type");
        cases.add(text("message without type", Json.encode(noType), "unknown_type", "x"));
        Map<String, Object> noMsgType = message("no-msg-type");
        noMsgType.remove("msg_type");
        cases.add(acked("message without msg_type (text)", Json.encode(noMsgType), "no-msg-type"));
        cases.add(text("typing without channel_id", "{\"type\":\"typing_start\"}", "missing_field"));
        cases.add(text("presence without user_ids", "{\"type\":\"subscribe_presence\"}", "missing_field"));
        cases.add(text("resume without channel_id", "{\"type\":\"resume\",\"after_seq\":0}", "missing_field"));
        cases.add(text("resume without after_seq", "{\"type\":\"resume\",\"channel_id\":\"" + member + "\"}", "missing_field"));
    }

    // -- every field, wrong types and values

    private void wrongTypes(List<Case> cases) {
        for (Object wrong : WRONG_VALUES) {
            String label = Json.encode(wrong);
            cases.add(text("type=" + label, Json.encode(with(message("x"), "type", wrong)), "unknown_type", "x"));
            cases.add(text("client_id=" + label, Json.encode(with(message("x"), "client_id", wrong)), "invalid_field"));
            String id = "ch-" + cases.size();
            cases.add(text("channel_id=" + label, Json.encode(with(message(id), "channel_id", wrong)), "invalid_field", id));
            id = "co-" + cases.size();
            cases.add(text("content=" + label, Json.encode(with(message(id), "content", wrong)), "invalid_field", id));
            id = "mt-" + cases.size();
            cases.add(text("msg_type=" + label, Json.encode(with(message(id), "msg_type", wrong)), "invalid_field", id));
            cases.add(text("typing channel_id=" + label, Json.encode(Map.of("type", "typing_start", "channel_id", wrong)),
                    "invalid_field"));
            boolean noUsers = wrong instanceof List<?> list && list.isEmpty(); // valid: watches nobody
            cases.add(text("presence user_ids=" + label, Json.encode(Map.of("type", "subscribe_presence", "user_ids", wrong)),
                    noUsers ? null : "invalid_field"));
            cases.add(text("resume channel_id=" + label, Json.encode(resume(wrong, null, 0)), "invalid_field"));
            cases.add(text("resume epoch=" + label, Json.encode(resume(member.toString(), wrong, 0)), "invalid_field"));
            if (!(wrong instanceof Integer n && n >= 0)) {
                cases.add(text("resume after_seq=" + label, Json.encode(resume(member.toString(), null, wrong)), "invalid_field"));
            }
        }
        for (Object nulled : new Object[] {"channel_id", "content"}) {
            String id = "null-" + nulled;
            cases.add(text(nulled + "=null", Json.encode(with(message(id), (String) nulled, null)), "missing_field", id));
        }
        cases.add(text("client_id=null", Json.encode(with(message("x"), "client_id", null)), "missing_field"));
        cases.add(text("user_ids=null", "{\"type\":\"subscribe_presence\",\"user_ids\":null}", "missing_field"));
        cases.add(text("after_seq=null", Json.encode(resume(member.toString(), null, null)), "missing_field"));
        cases.add(acked("msg_type=null (text)", Json.encode(with(message("mt-null"), "msg_type", null)), "mt-null"));
        for (String value : List.of("", " ", "\t")) {
            cases.add(text("client_id='" + value + "'", Json.encode(with(message("x"), "client_id", value)), "invalid_field"));
            String id = "blank-" + value.length() + value.hashCode();
            cases.add(text("content='" + value + "'", Json.encode(with(message(id), "content", value)), "invalid_field", id));
        }
        for (String type : List.of("", "MESSAGE", "messages", "typing", "ping", "subscribe", "message\u0000")) {
            cases.add(text("type='" + type + "'", Json.encode(with(message("x"), "type", type)), "unknown_type", "x"));
        }
        for (String msgType : List.of("video", "TEXT", "")) {
            String id = "mt-" + msgType;
            cases.add(text("msg_type='" + msgType + "'", Json.encode(with(message(id), "msg_type", msgType)), "invalid_field", id));
        }
        cases.add(text("client_id of 65", Json.encode(with(message("x"), "client_id", "c".repeat(65))), "invalid_field"));
        cases.add(acked("client_id of 64", Json.encode(message("c".repeat(64))), "c".repeat(64)));
        cases.add(text("content of 4001", Json.encode(with(message("long"), "content", "x".repeat(4001))), "too_large", "long"));
        cases.add(acked("content of 4000", Json.encode(with(message("max"), "content", "x".repeat(4000))), "max"));
        cases.add(acked("content of 4000 astral characters",
                Json.encode(with(message("astral"), "content", "\uD83D\uDE00".repeat(4000))), "astral"));
        for (String seq : List.of("-1", "1.5", "\"0\"", "1e3", "99999999999999999999")) {
            cases.add(text("after_seq " + seq, "{\"type\":\"resume\",\"channel_id\":\"" + member + "\",\"after_seq\":" + seq + "}",
                    "invalid_field"));
        }
        cases.add(text("epoch of 33", Json.encode(resume(member.toString(), "e".repeat(33), 0)), "invalid_field"));
        for (String ids : List.of("[\"1\"]", "[1.5]", "[9223372036854775808]", "[null]", "[[1]]", "[{}]", "[true]")) {
            cases.add(text("user_ids " + ids, "{\"type\":\"subscribe_presence\",\"user_ids\":" + ids + "}", "invalid_field"));
        }
        List<Long> many = new ArrayList<>();
        for (long i = 1; i <= 501; i++) {
            many.add(i);
        }
        cases.add(text("user_ids of 501", Json.encode(Map.of("type", "subscribe_presence", "user_ids", many)), "too_large"));
    }

    // -- text that is not well-formed (written as JSON escapes: a WebSocket text frame must be UTF-8)

    private void badText(List<Case> cases) {
        for (String bad : List.of("\\u0000", "a\\u0000b", "\\u0007", "\\u001b[31m", "\\u007f", "\\uD800", "\\uDC00",
                "x\\uDBFF", "\\uDC00\\uD800")) {
            String id = "text-" + cases.size();
            cases.add(text("content " + bad, "{\"type\":\"message\",\"channel_id\":\"" + member + "\",\"client_id\":\"" + id
                    + "\",\"content\":\"" + bad + "\"}", "invalid_field", id));
            cases.add(text("client_id " + bad, "{\"type\":\"message\",\"channel_id\":\"" + member + "\",\"client_id\":\"c"
                    + bad + "\",\"content\":\"hi\"}", "invalid_field"));
        }
        cases.add(acked("content with newline and tab", Json.encode(with(message("nl"), "content", "a\nb\tc\r\nd")), "nl"));
        cases.add(acked("content with a surrogate pair", "{\"type\":\"message\",\"channel_id\":\"" + member
                + "\",\"client_id\":\"pair\",\"content\":\"\\uD83D\\uDE00\"}", "pair"));
    }

    // -- ids: foreign, made up, malformed

    private void ids(List<Case> cases) {
        for (UUID channel : List.of(foreign, UUID.randomUUID(), new UUID(0, 0))) {
            String id = "id-" + cases.size();
            cases.add(text("message to " + channel, Json.encode(with(message(id), "channel_id", channel.toString())), "not_member", id));
            cases.add(text("typing in " + channel, Json.encode(Map.of("type", "typing_start", "channel_id", channel.toString())),
                    "not_member"));
            cases.add(text("resume of " + channel, Json.encode(resume(channel.toString(), null, 0)), "not_member"));
        }
        for (String malformed : List.of("{" + member + "}", member.toString().replace("-", ""), member + " ",
                member.toString().substring(1), "00000000-0000-0000-0000-00000000000G", "1-1-1-1-1")) {
            String id = "bad-id-" + cases.size();
            cases.add(text("channel_id " + malformed, Json.encode(with(message(id), "channel_id", malformed)), "invalid_field", id));
        }
        cases.add(acked("channel_id in upper case", Json.encode(with(message("upper"), "channel_id",
                member.toString().toUpperCase(java.util.Locale.ROOT))), "upper"));
        cases.add(text("presence of a stranger", Json.encode(Map.of("type", "subscribe_presence", "user_ids", List.of(stranger))),
                "not_allowed"));
        cases.add(text("presence of a made-up user", Json.encode(Map.of("type", "subscribe_presence", "user_ids", List.of(-5))),
                "not_allowed"));
    }

    // -- unknown fields are ignored (forward compatibility)

    private void unknownFields(List<Case> cases) {
        cases.add(acked("message with unknown fields", Json.encode(with(with(message("extra"), "priority", "high"), "x", List.of(1))),
                "extra"));
        cases.add(text("heartbeat with unknown fields", "{\"type\":\"heartbeat\",\"at\":1,\"x\":{\"y\":[]}}", null));
        cases.add(text("typing with unknown fields", "{\"type\":\"typing_stop\",\"channel_id\":\"" + member + "\",\"x\":1}", null));
        cases.add(text("presence of nobody", "{\"type\":\"subscribe_presence\",\"user_ids\":[]}", null));
    }

    // -- oversized and binary frames

    private void oversized(List<Case> cases) {
        cases.add(text("frame of 16385", Json.encode(with(message("big"), "content", "x".repeat(16_385))), "too_large", "big"));
        cases.add(text("frame of 64 KiB", Json.encode(with(message("bigger"), "content", "x".repeat(65_536))), "too_large", "bigger"));
        cases.add(text("frame of 16385 without client_id", "{\"type\":\"heartbeat\",\"x\":\"" + "y".repeat(16_385) + "\"}", "too_large"));
        cases.add(text("client_id after 4 KB", "{\"type\":\"message\",\"x\":\"" + "y".repeat(5_000) + "\",\"client_id\":\"late\","
                + "\"content\":\"" + "z".repeat(12_000) + "\"}", "too_large"));
        for (int size : List.of(0, 1, 3, 1_000, 20_000)) {
            cases.add(new Case("binary " + size, null, new byte[size], "bad_json", null, null));
        }
    }

    // -- helpers

    private Map<String, Object> message(String clientId) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "message");
        frame.put("channel_id", member.toString());
        frame.put("client_id", clientId);
        frame.put("content", "hello");
        frame.put("msg_type", "text");
        return frame;
    }

    private static Map<String, Object> resume(Object channelId, Object epoch, Object afterSeq) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", "resume");
        frame.put("channel_id", channelId);
        frame.put("epoch", epoch);
        frame.put("after_seq", afterSeq);
        return frame;
    }

    private static Map<String, Object> with(Map<String, Object> frame, String field, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(frame);
        copy.put(field, value);
        return copy;
    }

    private static Case text(String name, String text, String expected) {
        return new Case(name, text, null, expected, null, null);
    }

    private static Case text(String name, String text, String expected, String clientId) {
        return new Case(name, text, null, expected, clientId, null);
    }

    private static Case acked(String name, String text, String clientId) {
        return new Case(name, text, null, null, null, clientId);
    }

    private static JsonNode tryParse(String text) {
        try {
            return Json.tree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
