package dev.chat.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.auth.Tokens;
import dev.chat.common.keys.PresenceKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.wire.Json;
import dev.chat.localstack.StackEndpoints;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The REST api, started as in production on the local stack, called over HTTP. */
class ApiIT {

    private static final HttpClient HTTP = ApiFixture.HTTP;

    private static ApiFixture fixture;
    private static Tokens tokens;
    private static CassandraConnection cassandra;
    private static RedisConnection redis;
    private static StackEndpoints endpoints;
    private static long admin;

    @BeforeAll
    static void start() {
        fixture = new ApiFixture(Map.of());
        endpoints = fixture.endpoints();
        admin = fixture.admin();
        tokens = fixture.tokens();
        cassandra = CassandraConnection.open("test", BackendSettings.create(fixture.config()));
        redis = RedisConnection.open("test", BackendSettings.create(fixture.config()));
    }

    @AfterAll
    static void stop() {
        fixture.close();
        cassandra.close();
        redis.close();
    }

    @Test
    void groupAndDirectChannelsAreCreatedAndTheSamePairGetsTheSameDirectChannel() throws Exception {
        long ann = user("ann");
        long ben = user("ben");
        long cid = user("cid");
        ApiFixture.Response group = call("POST", "/api/v1/channels", ann, Map.of("name", "team", "type", "group", "member_ids", List.of(ann, ben, cid)));
        assertThat(group.status()).isEqualTo(201);
        assertThat(group.json().path("type").asText()).isEqualTo("group");

        ApiFixture.Response dm = call("POST", "/api/v1/channels", ann, Map.of("type", "direct", "member_ids", List.of(ann, ben)));
        assertThat(dm.status()).isEqualTo(201);
        ApiFixture.Response again = call("POST", "/api/v1/channels", ben, Map.of("type", "direct", "member_ids", List.of(ben, ann)));
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().path("channel_id").asText()).isEqualTo(dm.json().path("channel_id").asText());

        List<String> bens = channelIds(ben);
        assertThat(bens).containsExactlyInAnyOrder(group.json().path("channel_id").asText(), dm.json().path("channel_id").asText());
        assertThat(channelIds(cid)).containsExactly(group.json().path("channel_id").asText());
    }

    @Test
    void historyPagesAcrossBucketsAndEmptyBucketsInBothDirections() throws Exception {
        long dan = user("dan");
        UUID channel = channel(dan, List.of(dan));
        int base = MessageBuckets.of(Instant.now()) - 5;
        backdate(channel, MessageBuckets.start(base).minusSeconds(60));
        List<UUID> written = new ArrayList<>();
        int[] buckets = {base, base + 1, base + 3, base + 5}; // base+2 and base+4 stay empty
        for (int bucket : buckets) {
            for (int i = 0; i < 7; i++) {
                long millis = MessageBuckets.start(bucket).toEpochMilli() + 1000L * (i + 1);
                UUID id = Uuids.startOf(millis);
                cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id,"
                                + " client_id, content, msg_type, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'text', 'sent', ?)",
                        channel, bucket, id, dan, "c" + written.size(), "m" + written.size(), Instant.ofEpochMilli(millis));
                written.add(id);
            }
        }
        // newest first with before_id
        List<String> seen = new ArrayList<>();
        String path = "/api/v1/channels/" + channel + "/messages?limit=5";
        while (true) {
            JsonNode page = call("GET", path, dan, null).json();
            page.path("messages").forEach(m -> seen.add(m.path("message_id").asText()));
            if (!page.path("has_more").asBoolean()) {
                break;
            }
            path = "/api/v1/channels/" + channel + "/messages?limit=5&before_id=" + seen.getLast();
        }
        assertThat(seen).containsExactlyElementsOf(written.reversed().stream().map(UUID::toString).toList());

        // oldest first with after_id, from a cursor that was never a message (deleted)
        UUID deleted = Uuids.startOf(MessageBuckets.start(base).toEpochMilli() + 500);
        List<String> forward = new ArrayList<>();
        String cursor = deleted.toString();
        while (true) {
            JsonNode page = call("GET", "/api/v1/channels/" + channel + "/messages?limit=6&after_id=" + cursor, dan, null).json();
            page.path("messages").forEach(m -> forward.add(m.path("message_id").asText()));
            if (!page.path("has_more").asBoolean()) {
                break;
            }
            cursor = forward.getLast();
        }
        assertThat(forward).containsExactlyElementsOf(written.stream().map(UUID::toString).toList());

        JsonNode first = call("GET", "/api/v1/channels/" + channel + "/messages?limit=1&after_id=" + deleted, dan, null).json();
        JsonNode message = first.path("messages").get(0);
        assertThat(message.path("sender_id").asLong()).isEqualTo(dan);
        assertThat(message.path("content").asText()).isEqualTo("m0");
        assertThat(message.path("client_id").asText()).isEqualTo("c0");
        assertThat(message.path("msg_type").asText()).isEqualTo("text");
        assertThat(message.path("status").asText()).isEqualTo("sent");
        assertThat(message.path("created_at").asText()).isNotEmpty();
    }

    @Test
    void readPositionsMoveOnlyForwardPublishReceiptsAndDriveUnreadCounts() throws Exception {
        long eve = user("eve");
        long fay = user("fay");
        UUID channel = channel(eve, List.of(eve, fay));
        List<UUID> ids = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 5; i++) {
            UUID id = Uuids.startOf(now + i);
            ids.add(id);
            cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id, client_id,"
                    + " content, msg_type, status, created_at) VALUES (?, ?, ?, ?, ?, 'x', 'text', 'sent', ?)",
                    channel, MessageBuckets.of(id), id, eve, "k" + i, Instant.ofEpochMilli(now + i));
        }
        assertThat(unread(fay, channel)).isEqualTo(5);
        assertThat(unread(eve, channel)).as("one's own messages are not unread").isZero();

        LinkedBlockingQueue<String> receipts = new LinkedBlockingQueue<>();
        int listener = redis.client().getTopic(dev.chat.common.channel.ChannelKeys.topic(channel), StringCodec.INSTANCE)
                .addListener(String.class, (topic, payload) -> receipts.add(payload));
        try {
            ApiFixture.Response moved = call("PUT", "/api/v1/channels/" + channel + "/read", fay, Map.of("last_read_message_id", ids.get(2).toString()));
            assertThat(moved.status()).isEqualTo(200);
            JsonNode receipt = Json.tree(receipts.poll(10, TimeUnit.SECONDS));
            assertThat(receipt.path("type").asText()).isEqualTo("read_receipt");
            assertThat(receipt.path("user_id").asLong()).isEqualTo(fay);
            assertThat(receipt.path("last_read_message_id").asText()).isEqualTo(ids.get(2).toString());
            assertThat(unread(fay, channel)).isEqualTo(2);

            ApiFixture.Response back = call("PUT", "/api/v1/channels/" + channel + "/read", fay, Map.of("last_read_message_id", ids.get(0).toString()));
            assertThat(back.json().path("last_read_message_id").asText()).as("never backwards").isEqualTo(ids.get(2).toString());
            ApiFixture.Response same = call("PUT", "/api/v1/channels/" + channel + "/read", fay, Map.of("last_read_message_id", ids.get(2).toString()));
            assertThat(same.status()).isEqualTo(200);
            assertThat(receipts.poll(500, TimeUnit.MILLISECONDS)).as("no receipt when nothing moved").isNull();

            JsonNode positions = call("GET", "/api/v1/channels/" + channel + "/read", eve, null).json().path("read_positions");
            Map<Long, String> byUser = new HashMap<>();
            positions.forEach(p -> byUser.put(p.path("user_id").asLong(), p.path("last_read_message_id").asText(null)));
            assertThat(byUser).containsEntry(fay, ids.get(2).toString()).containsKey(eve);
        } finally {
            redis.client().getTopic(dev.chat.common.channel.ChannelKeys.topic(channel), StringCodec.INSTANCE).removeListener(listener);
        }
    }

    @Test
    void membersAreAddedWithAJoinNoticeAndDirectChannelsRefuse() throws Exception {
        long gus = user("gus");
        long hal = user("hal");
        long ida = user("ida");
        UUID group = channel(gus, List.of(gus));
        LinkedBlockingQueue<String> notices = new LinkedBlockingQueue<>();
        int listener = redis.client().getTopic(dev.chat.common.channel.ChannelKeys.topic(group), StringCodec.INSTANCE)
                .addListener(String.class, (topic, payload) -> notices.add(payload));
        try {
            assertThat(call("POST", "/api/v1/channels/" + group + "/members", gus, Map.of("user_id", hal)).status()).isEqualTo(200);
            JsonNode joined = Json.tree(notices.poll(10, TimeUnit.SECONDS));
            assertThat(joined.path("type").asText()).isEqualTo("member_joined");
            assertThat(joined.path("user_id").asLong()).isEqualTo(hal);
            assertThat(channelIds(hal)).contains(group.toString());
        } finally {
            redis.client().getTopic(dev.chat.common.channel.ChannelKeys.topic(group), StringCodec.INSTANCE).removeListener(listener);
        }
        UUID dm = UUID.fromString(call("POST", "/api/v1/channels", gus, Map.of("type", "direct", "member_ids", List.of(gus, hal)))
                .json().path("channel_id").asText());
        assertThat(call("POST", "/api/v1/channels/" + dm + "/members", gus, Map.of("user_id", ida)).status()).isEqualTo(409);
        assertThat(call("POST", "/api/v1/channels/" + group + "/members", ida, Map.of("user_id", ida)).status())
                .as("only members may add").isEqualTo(403);
    }

    @Test
    void presenceReflectsTheGatewaysKeys() throws Exception {
        long jo = user("jo");
        long viewer = user("viewer");
        long stranger = user("stranger");
        channel(viewer, List.of(viewer, jo));
        ApiFixture.Response refused = call("GET", "/api/v1/users/" + jo + "/presence", stranger, null);
        assertThat(refused.status()).as("presence only for users who share a channel").isEqualTo(403);
        assertThat(refused.json().toString()).doesNotContain("status\":\"o");
        JsonNode never = call("GET", "/api/v1/users/" + jo + "/presence", viewer, null).json();
        assertThat(never.path("status").asText()).isEqualTo("offline");
        long now = System.currentTimeMillis();
        redis.client().getScoredSortedSet(PresenceKeys.devices(jo), StringCodec.INSTANCE).add(now + 30_000, "gw-1");
        redis.client().getBucket(PresenceKeys.lastSeen(jo), StringCodec.INSTANCE).set(Long.toString(now));
        JsonNode online = call("GET", "/api/v1/users/" + jo + "/presence", viewer, null).json();
        assertThat(online.path("status").asText()).isEqualTo("online");
        assertThat(online.path("user_id").asLong()).isEqualTo(jo);
        redis.client().getScoredSortedSet(PresenceKeys.devices(jo), StringCodec.INSTANCE).remove("gw-1");
        JsonNode offline = call("GET", "/api/v1/users/" + jo + "/presence", viewer, null).json();
        assertThat(offline.path("status").asText()).isEqualTo("offline");
        assertThat(Instant.parse(offline.path("last_seen_at").asText()).toEpochMilli()).isEqualTo(now);
    }

    @Test
    void usersAreCreatedByAdministratorsAndDevLoginIssuesAcceptedTokens() throws Exception {
        String name = "new-" + UUID.randomUUID().toString().substring(0, 8);
        ApiFixture.Response created = call("POST", "/api/v1/users", admin, Map.of("name", name));
        assertThat(created.status()).isEqualTo(201);
        assertThat(call("POST", "/api/v1/users", admin, Map.of("name", name)).status()).isEqualTo(409);
        assertThat(call("POST", "/api/v1/users", created.json().path("user_id").asLong(), Map.of("name", "x" + name)).status())
                .isEqualTo(403);

        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/dev/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode session = Json.tree(login.body());
        assertThat(session.path("user_id").asLong()).isEqualTo(created.json().path("user_id").asLong());
        HttpResponse<String> mine = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/channels"))
                .header("Authorization", "Bearer " + session.path("token").asText()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(mine.statusCode()).isEqualTo(200);
    }

    @Test
    void badRequestsGetTheRightStatusAsProblemJson() throws Exception {
        long kim = user("kim");
        long lee = user("lee");
        UUID kims = channel(kim, List.of(kim));
        String forged = com.auth0.jwt.JWT.create().withIssuer("chat").withSubject(Long.toString(kim))
                .withExpiresAt(Instant.now().plusSeconds(60)).sign(com.auth0.jwt.algorithms.Algorithm.HMAC256("y".repeat(40)));
        record Case(String name, HttpRequest request, int status, String field) {
        }
        String token = tokens.issue(kim, Duration.ofMinutes(5));
        List<Case> cases = List.of(
                new Case("bad JSON", post("/api/v1/channels", token, "application/json", "{nope"), 400, null),
                new Case("array body", post("/api/v1/channels", token, "application/json", "[]"), 400, null),
                new Case("type missing", post("/api/v1/channels", token, "application/json", "{\"member_ids\":[" + kim + "]}"), 400, "type"),
                new Case("type wrong", post("/api/v1/channels", token, "application/json",
                        "{\"type\":\"party\",\"name\":\"x\",\"member_ids\":[" + kim + "]}"), 400, "type"),
                new Case("member_ids not numbers", post("/api/v1/channels", token, "application/json",
                        "{\"type\":\"group\",\"name\":\"x\",\"member_ids\":[\"a\"]}"), 400, "member_ids"),
                new Case("creator not a member", post("/api/v1/channels", token, "application/json",
                        "{\"type\":\"group\",\"name\":\"x\",\"member_ids\":[" + lee + "]}"), 400, "member_ids"),
                new Case("direct with three", post("/api/v1/channels", token, "application/json",
                        "{\"type\":\"direct\",\"member_ids\":[" + kim + "," + lee + ",1]}"), 400, "member_ids"),
                new Case("limit too big", get("/api/v1/channels/" + kims + "/messages?limit=500", token), 400, "limit"),
                new Case("cursor not a timeuuid", get("/api/v1/channels/" + kims + "/messages?before_id=" + UUID.randomUUID(), token), 400, "before_id"),
                new Case("read position not a timeuuid", put("/api/v1/channels/" + kims + "/read", token,
                        "{\"last_read_message_id\":\"" + UUID.randomUUID() + "\"}"), 400, "last_read_message_id"),
                new Case("unknown channel", get("/api/v1/channels/" + UUID.randomUUID() + "/messages", token), 404, null),
                new Case("not a member", get("/api/v1/channels/" + kims + "/messages", tokens.issue(lee, Duration.ofMinutes(5))), 403, null),
                new Case("not a member writes", put("/api/v1/channels/" + kims + "/read", tokens.issue(lee, Duration.ofMinutes(5)),
                        "{\"last_read_message_id\":\"" + Uuids.timeBased() + "\"}"), 403, null),
                new Case("no token", HttpRequest.newBuilder(uri("/api/v1/channels")).build(), 401, null),
                new Case("forged token", get("/api/v1/channels", forged), 401, null),
                new Case("expired token", get("/api/v1/channels", tokens.issue(kim, Duration.ofMinutes(-5))), 401, null),
                new Case("oversize body", post("/api/v1/channels", token, "application/json",
                        "{\"type\":\"group\",\"name\":\"" + "n".repeat(70_000) + "\",\"member_ids\":[" + kim + "]}"), 413, null),
                new Case("not JSON content type", post("/api/v1/channels", token, "text/plain", "hello"), 415, null));
        for (Case c : cases) {
            HttpResponse<String> response = HTTP.send(c.request(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(c.name()).isEqualTo(c.status());
            assertThat(response.headers().firstValue("Content-Type")).as(c.name()).hasValue("application/problem+json");
            JsonNode problem = Json.tree(response.body());
            assertThat(problem.path("status").asInt()).as(c.name()).isEqualTo(c.status());
            assertThat(problem.path("detail").asText()).as(c.name()).isNotBlank();
            if (c.field() != null) {
                assertThat(problem.path("field").asText()).as(c.name()).isEqualTo(c.field());
            }
        }
    }

    @Test
    void cursorsAndReadPositionsOutsideTheChannelsLifetimeAreClampedToIt() throws Exception {
        long eve = user("eve");
        UUID channel = channel(eve, List.of(eve));
        List<UUID> ids = new ArrayList<>();
        long base = Instant.now().minusSeconds(300).toEpochMilli(); // older than the in-flight window
        for (int i = 0; i < 3; i++) {
            long millis = base + 1000L * i;
            UUID id = Uuids.startOf(millis);
            cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id,"
                            + " client_id, content, msg_type, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'text', 'sent', ?)",
                    channel, MessageBuckets.of(id), id, eve, "c" + i, "m" + i, Instant.ofEpochMilli(millis));
            ids.add(id);
        }
        String messages = "/api/v1/channels/" + channel + "/messages?limit=10";
        // before: one query per 10-day bucket from year 5236 down (29 s); after: from 1582 up (6.5 s)
        HttpResponse<String> newest = HTTP.send(HttpRequest.newBuilder(uri(messages + "&before_id=ffffffff-ffff-1fff-8fff-ffffffffffff"))
                .header("Authorization", "Bearer " + tokens.issue(eve, Duration.ofMinutes(5))).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Json.tree(newest.body()).path("messages").findValuesAsText("message_id"))
                .containsExactly(ids.get(2).toString(), ids.get(1).toString(), ids.get(0).toString());
        HttpResponse<String> oldest = HTTP.send(HttpRequest.newBuilder(uri(messages + "&after_id=00000000-0000-1000-8000-000000000000"))
                .header("Authorization", "Bearer " + tokens.issue(eve, Duration.ofMinutes(5))).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(Json.tree(oldest.body()).path("messages").findValuesAsText("message_id"))
                .containsExactly(ids.get(0).toString(), ids.get(1).toString(), ids.get(2).toString());

        String read = "/api/v1/channels/" + channel + "/read";
        // before the channel's first message: nothing to mark
        ApiFixture.Response ancient = call("PUT", read, eve, Map.of("last_read_message_id", "00000000-0000-1000-8000-000000000000"));
        assertThat(ancient.status()).isEqualTo(200);
        assertThat(ancient.json().path("last_read_message_id").isNull()).isTrue();
        // not a message of this channel: the newest message before it
        ApiFixture.Response between = call("PUT", read, eve, Map.of("last_read_message_id", Uuids.startOf(base + 1500).toString()));
        assertThat(between.json().path("last_read_message_id").asText()).isEqualTo(ids.get(1).toString());
        // from the future (a false "read everything"): the channel's newest message
        ApiFixture.Response future = call("PUT", read, eve, Map.of("last_read_message_id",
                Uuids.startOf(Instant.now().plus(Duration.ofDays(3650)).toEpochMilli()).toString()));
        assertThat(future.json().path("last_read_message_id").asText()).isEqualTo(ids.get(2).toString());
        assertThat(call("GET", read, eve, null).json().path("read_positions").findValuesAsText("last_read_message_id"))
                .containsExactly(ids.get(2).toString());
    }

    @Test
    void metricsTagOnlyKnownRoutesSoMadeUpPathsCannotGrowTheRegistry() throws Exception {
        String madeUp = "/api/v1/made-up-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(HTTP.send(HttpRequest.newBuilder(uri(madeUp)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        assertThat(call("GET", madeUp, admin, null).status()).isEqualTo(404);

        String metrics = HTTP.send(HttpRequest.newBuilder(uri("/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).doesNotContain(madeUp).contains("route=\"other\"");
    }

    @Test
    void namesWithNulControlsOrBrokenUnicodeAre400NotAServerError() throws Exception {
        // JSON escapes as a client sends them (a lone surrogate cannot even be encoded as UTF-8)
        for (String name : List.of("a\\u0000b", "tab\\there", "\\ud800x", "x\\udc00")) {
            HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/dev/login")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(400);
            assertThat(Json.tree(login.body()).path("field").asText()).isEqualTo("name");
        }
        assertThat(call("GET", "/api/v1/users?name=a%00b", admin, null).status()).isEqualTo(400);
        assertThat(call("POST", "/api/v1/channels", admin, Map.of("name", "x\u0000", "type", "group", "member_ids", List.of(admin)))
                .status()).isEqualTo(400);
    }

    @Test
    void theLocalStackLoginNeverSignsInAnAdministrator() throws Exception {
        String name = call("GET", "/api/v1/users/" + admin, admin, null).json().path("name").asText();
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/dev/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.encode(Map.of("name", name)))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(login.statusCode()).isEqualTo(403);
        assertThat(Json.tree(login.body()).has("token")).isFalse();
    }

    @Test
    void theLocalStackLoginIsRefusedOutsideTheLocalProfileOrOffLoopback() {
        Map<String, String> production = new HashMap<>(endpoints.serviceConfig());
        production.put("chat.profile", "production");
        production.put("auth.secret", "a-production-key-of-at-least-32-characters");
        production.put("api.devlogin", "true");
        assertThatThrownBy(() -> ApiSettings.create(ServiceConfig.load(production)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("API_DEVLOGIN").hasMessageContaining("CHAT_PROFILE=local");

        Map<String, String> exposed = new HashMap<>(endpoints.serviceConfig());
        exposed.put("api.devlogin", "true");
        exposed.put("server.host", "0.0.0.0");
        assertThatThrownBy(() -> ApiSettings.create(ServiceConfig.load(exposed)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("loopback");
    }

    @Test
    void responsesCarryBrowserSecurityHeadersAndTheClientsPolicyAllowsItsGateways() throws Exception {
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(uri("/index.html")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        assertThat(page.headers().firstValue("Referrer-Policy")).contains("no-referrer");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                .contains("script-src 'self'").contains("connect-src 'self' ws://127.0.0.1:8081").contains("frame-ancestors 'none'"));
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/api/v1/channels")).build(), HttpResponse.BodyHandlers.ofString())
                .headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }

    // helpers

    private static ApiFixture.Response call(String method, String path, long caller, Object body) {
        return fixture.call(method, path, caller, body);
    }

    private static HttpRequest post(String path, String token, String contentType, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest put(String path, String token, String body) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token).build();
    }

    private static URI uri(String path) {
        return fixture.uri(path);
    }

    private static long user(String name) {
        return fixture.user(name);
    }

    private static UUID channel(long creator, List<Long> members) {
        return fixture.channel(creator, members);
    }

    private static void backdate(UUID channel, Instant createdAt) throws Exception {
        try (Connection db = DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "");
             PreparedStatement update = db.prepareStatement("UPDATE channels SET created_at = ? WHERE id = ?")) {
            update.setObject(1, java.sql.Timestamp.from(createdAt));
            update.setObject(2, channel);
            update.executeUpdate();
        }
    }

    private static List<String> channelIds(long user) throws Exception {
        List<String> ids = new ArrayList<>();
        call("GET", "/api/v1/channels", user, null).json().path("channels").forEach(c -> ids.add(c.path("channel_id").asText()));
        return ids;
    }

    private static int unread(long user, UUID channel) throws Exception {
        for (JsonNode c : call("GET", "/api/v1/channels", user, null).json().path("channels")) {
            if (c.path("channel_id").asText().equals(channel.toString())) {
                return c.path("unread_count").asInt();
            }
        }
        throw new AssertionError("channel not listed");
    }
}
