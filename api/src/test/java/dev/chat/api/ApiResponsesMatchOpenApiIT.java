package dev.chat.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.MessageTables;
import dev.chat.common.wire.Attachment;
import dev.chat.common.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the api answers is what its OpenAPI document says: a user's way through the main routes
 * (channels, members, messages, edits, reactions, threads, read positions, presence, blocks,
 * uploads, webhooks), each success response compared with the response schema documented for
 * that route and status: a schema exists, every field returned is documented with its JSON type,
 * every required field is there. {@code ApiOpenApiIT} checks the routes themselves.
 */
class ApiResponsesMatchOpenApiIT {

    private static ApiFixture api;
    private static CassandraConnection cassandra;
    private static JsonNode document;
    private final List<String> mismatches = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        api = new ApiFixture(Map.of());
        cassandra = CassandraConnection.open("test", BackendSettings.create(api.config()));
        HttpResponse<String> served = api.send(HttpRequest.newBuilder(api.uri("/openapi?format=JSON")).build());
        document = Json.tree(served.body());
    }

    @AfterAll
    static void stop() {
        api.close();
        cassandra.close();
    }

    @Test
    void everySuccessResponseOnAUsersWayMatchesItsDocumentedSchema() {
        String friendName = "friend" + unique();
        long owner = api.user("owner");
        long friend = api.userNamed(friendName);
        long late = api.user("late");

        ApiFixture.Response created = expect("POST", "/api/v1/channels", 201, owner,
                Map.of("name", "plans", "type", "group", "member_ids", List.of(owner, friend)));
        String channel = created.json().path("channel_id").asText();
        String base = "/api/v1/channels/" + channel;
        expect("GET", "/api/v1/channels", 200, owner, null);
        expect("GET", base, 200, owner, null);
        expect("PATCH", base, 200, owner, Map.of("name", "plans 2"));
        expect("POST", base + "/members", 200, owner, Map.of("user_id", late));

        ApiFixture.Response sent = expect("POST", base + "/messages", 201, owner,
                Map.of("client_id", "contract-1", "content", "hello @" + friendName));
        String message = sent.json().path("message_id").asText();
        expect("POST", base + "/messages", 201, friend, Map.of("client_id", "contract-2", "content", "a reply",
                "reply_to", message));
        expect("PATCH", base + "/messages/" + message, 200, owner, Map.of("content", "hello again"));
        expect("PUT", base + "/messages/" + message + "/reactions/%F0%9F%91%8D", 204, friend, null);
        expect("PUT", base + "/read", 200, friend, Map.of("last_read_message_id", message));
        expect("GET", base + "/read", 200, owner, null);
        expect("GET", "/api/v1/users/" + friend + "/presence", 200, owner, null);
        expect("GET", "/api/v1/users/" + friend, 200, owner, null);
        expect("GET", "/api/v1/users?name=" + friendName, 200, owner, null);
        expect("PUT", "/api/v1/blocks/" + late, 204, owner, null);
        expect("GET", "/api/v1/blocks", 200, owner, null);
        expect("POST", base + "/uploads", 201, owner, Map.of("name", "a.png", "content_type", "image/png", "size", 10));
        ApiFixture.Response hook = expect("POST", base + "/webhooks", 201, owner,
                Map.of("url", "http://127.0.0.1:9/hook", "events", List.of("message")));
        expect("GET", base + "/webhooks", 200, owner, null);
        expect("GET", base + "/webhooks/" + hook.json().path("webhook_id").asText() + "/deliveries", 200, owner, null);
        // history: rows as the persister writes them (no persister runs here; PersisterIT covers it),
        // with every optional part a message can have
        UUID root = stored(UUID.fromString(channel), owner, null, List.of(friend), true);
        stored(UUID.fromString(channel), friend, root, List.of(), false);
        cassandra.session().execute("UPDATE messages_by_channel SET reply_count = 1, last_reply_at = ?, edited_at = ?"
                + " WHERE channel_id = ? AND bucket = ? AND message_id = ?", Instant.now(), Instant.now(),
                UUID.fromString(channel), MessageBuckets.of(root), root);
        expect("GET", base + "/messages", 200, owner, null);
        expect("GET", base + "/messages/" + root + "/replies", 200, owner, null);

        assertThat(mismatches).isEmpty();
    }

    /** Calls a route, expects the status, and records where the body differs from its documented schema. */
    private ApiFixture.Response expect(String method, String path, int status, long caller, Object body) {
        ApiFixture.Response response = api.call(method, path, caller, body);
        assertThat(response.status()).as(method + " " + path + ": " + response.json()).isEqualTo(status);
        String route = route(method, path);
        JsonNode schema = document.path("paths").path(route.substring(route.indexOf(' ') + 1))
                .path(method.toLowerCase()).path("responses").path(Integer.toString(status))
                .path("content").path("application/json").path("schema");
        JsonNode documented = document.path("paths").path(route.substring(route.indexOf(' ') + 1))
                .path(method.toLowerCase()).path("responses").path(Integer.toString(status));
        if (documented.isMissingNode()) {
            mismatches.add(route + " " + status + ": the status is not documented");
        } else if (status == 204) {
            return response; // no body
        } else if (schema.isMissingNode()) {
            mismatches.add(route + " " + status + ": no response schema documented");
        } else if (response.json() != null) {
            compare(resolve(schema), response.json(), route + " " + status + " ");
        }
        return response;
    }

    /** @return the documented route ("PUT /api/v1/channels/{id}/read") a concrete request goes to */
    private static String route(String method, String path) {
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        String[] parts = bare.split("/");
        Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields();
        while (paths.hasNext()) {
            String candidate = paths.next().getKey();
            String[] pattern = candidate.split("/");
            if (pattern.length != parts.length || !document.path("paths").path(candidate).has(method.toLowerCase())) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < parts.length && matches; i++) {
                matches = pattern[i].startsWith("{") || pattern[i].equals(parts[i]);
            }
            if (matches) {
                return method + " " + candidate;
            }
        }
        throw new AssertionError("no documented route for " + method + " " + path);
    }

    private void compare(JsonNode schema, JsonNode value, String at) {
        if (schema.has("allOf")) { // the way a nullable reference is written: {allOf: [{$ref}], nullable: true}
            if (value.isNull() && schema.path("nullable").asBoolean(false)) {
                return;
            }
            schema.path("allOf").forEach(part -> compare(resolve(part), value, at));
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false)) {
                mismatches.add(at + "is null but not documented as nullable");
            }
            return;
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    mismatches.add(at + "is " + value.getNodeType() + ", documented as object");
                    return;
                }
                JsonNode properties = schema.path("properties");
                value.fields().forEachRemaining(field -> {
                    JsonNode additional = schema.path("additionalProperties");
                    if (properties.has(field.getKey())) {
                        compare(resolve(properties.path(field.getKey())), field.getValue(), at + field.getKey() + ".");
                    } else if (additional.isObject()) {
                        compare(resolve(additional), field.getValue(), at + field.getKey() + ".");
                    } else if (!additional.asBoolean(false)) {
                        mismatches.add(at + field.getKey() + " is returned but not documented");
                    }
                });
                schema.path("required").forEach(required -> {
                    if (!value.has(required.asText())) {
                        mismatches.add(at + required.asText() + " is required but missing");
                    }
                });
            }
            case "array" -> {
                if (!value.isArray()) {
                    mismatches.add(at + "is " + value.getNodeType() + ", documented as array");
                    return;
                }
                int i = 0;
                for (JsonNode item : value) {
                    if (i++ < 5) {
                        compare(resolve(schema.path("items")), item, at + "[] ");
                    }
                }
            }
            case "string" -> check(value.isTextual(), at, value, type);
            case "integer" -> check(value.isIntegralNumber(), at, value, type);
            case "number" -> check(value.isNumber(), at, value, type);
            case "boolean" -> check(value.isBoolean(), at, value, type);
            default -> mismatches.add(at + "has no documented type");
        }
    }

    private void check(boolean ok, String at, JsonNode value, String type) {
        if (!ok) {
            mismatches.add(at + "is " + value.getNodeType() + " (" + value + "), documented as " + type);
        }
    }

    private static JsonNode resolve(JsonNode schema) {
        String ref = schema.path("$ref").asText("");
        if (ref.startsWith("#/")) {
            JsonNode target = document;
            for (String part : ref.substring(2).split("/")) {
                target = target.path(part);
            }
            return target;
        }
        return schema;
    }

    /** @return a message written as the persister writes it (MessageTables.INSERT_MESSAGE) */
    private static UUID stored(UUID channel, long sender, UUID replyTo, List<Long> mentions, boolean withFile) {
        UUID id = Uuids.timeBased();
        String attachment = withFile ? Json.encode(new Attachment(UUID.randomUUID(), "a.png", "image/png", 10, 4, 3)) : null;
        cassandra.session().execute(MessageTables.INSERT_MESSAGE, channel, MessageBuckets.of(id), id, sender, "c-" + id,
                "stored", "text", "sent", Instant.now(), 7L, "e1", attachment, replyTo, mentions,
                System.currentTimeMillis() * 1000);
        if (replyTo != null) {
            cassandra.session().execute("INSERT INTO replies_by_root (channel_id, root_id, message_id) VALUES (?, ?, ?)",
                    channel, replyTo, id);
        }
        return id;
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
