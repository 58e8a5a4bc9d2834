package dev.chat.notifier;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPrivateKey;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import com.interaso.webpush.VapidKeys;
import dev.chat.common.auth.Tokens;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.common.wire.Json;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackEndpoints;
import dev.chat.localstack.StackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notifier on the real stack: the api and a gateway run as processes, the notifier in this
 * JVM, webhook receivers and push services are real HTTP endpoints on 127.0.0.1. Messages are sent
 * the way integrators send them (REST), members are online through real sockets.
 */
class NotifierIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** An event not delivered within this is given up on (its webhook disabled). */
    private static final int RETRY_SECONDS = 12;

    private static StackEndpoints endpoints;
    private static ServiceProcess api;
    private static ServiceProcess gateway;
    private static ServiceProcess persister;
    private static ServiceRuntime notifier;
    private static Tokens tokens;
    private static VapidKeys vapid;
    /** Stands in for FCM: the OAuth token endpoint and the send API, recording what they get. */
    private static RecordingEndpoint fcm;

    @BeforeAll
    static void start() throws Exception {
        endpoints = LocalStack.shared().endpoints();
        StackSettings settings = LocalStack.shared().settings();
        api = ServiceProcess.launch(settings.home(), "api", "api-notifier-it", freePort(), endpoints.serviceEnvironment(),
                settings.logDir(), "256m");
        gateway = ServiceProcess.launch(settings.home(), "gateway", "gateway-notifier-it", freePort(),
                endpoints.serviceEnvironment(), settings.logDir(), "256m");
        // edits, deletions and reactions need the message stored first
        persister = ServiceProcess.launch(settings.home(), "persister", "persister-notifier-it", freePort(),
                endpoints.serviceEnvironment(), settings.logDir(), "256m");
        vapid = VapidKeys.generate();
        Map<String, String> config = new HashMap<>(endpoints.serviceConfig());
        config.put("server.port", "0");
        config.put("notifier.group", "notifier-it-" + UUID.randomUUID());
        config.put("notifier.webhookfirstretrymillis", "200");
        config.put("notifier.webhookmaxretrymillis", "1000");
        config.put("notifier.webhookretryseconds", Integer.toString(RETRY_SECONDS));
        config.put("notifier.webhookpollmillis", "100");
        config.put("push.vapidpublickey", WebPushDecryption.base64Url(vapid.getApplicationServerKey()));
        config.put("push.vapidprivatekey", WebPushDecryption.base64Url(privateBytes(vapid.getPrivateKey())));
        config.put("push.collapseseconds", "0");
        fcm = new RecordingEndpoint(0);
        fcm.reply(request -> new RecordingEndpoint.Reply(200, request.path().equals("/token")
                ? "{\"access_token\":\"test-access\",\"expires_in\":3600}" : "{\"name\":\"projects/chat-it/messages/1\"}"));
        java.security.KeyPairGenerator rsa = java.security.KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        java.nio.file.Path account = java.nio.file.Files.createTempFile("fcm-account", ".json");
        java.nio.file.Files.writeString(account, Json.encode(Map.of("project_id", "chat-it", "client_email", "notifier@chat-it.example",
                "private_key", "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(rsa.generateKeyPair()
                        .getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n", "token_uri", fcm.url("/token"))));
        config.put("push.fcm.credentialsfile", account.toString());
        config.put("push.fcm.url", fcm.url(""));
        notifier = NotifierMain.start(ServiceConfig.load(config), () -> { });
        tokens = Tokens.create(ServiceConfig.load(endpoints.serviceConfig()));
        api.awaitReady(WAIT);
        gateway.awaitReady(WAIT);
        persister.awaitReady(WAIT);
    }

    @AfterAll
    static void stop() {
        if (notifier != null) {
            notifier.close();
        }
        api.stop();
        gateway.stop();
        persister.stop();
        fcm.close();
    }

    @Test
    void aWebhookGetsEveryEventSignedInOrderAndCatchesUpAfterItsReceiverWasDown() throws Exception {
        long owner = user("owner");
        long member = user("member");
        long joiner = user("joiner");
        String channel = group(owner, member);
        int port = freePort(); // nothing listens there yet: the receiver is down
        JsonNode webhook = call(owner, "POST", "/api/v1/channels/" + channel + "/webhooks",
                Map.of("url", "http://127.0.0.1:" + port + "/hook", "events", List.of("message", "member_joined", "member_left")));
        assertThat(webhook.path("secret").asText()).startsWith("whsec_");
        String secret = webhook.path("secret").asText();
        String webhookId = webhook.path("webhook_id").asText();

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(send(i % 2 == 0 ? owner : member, channel, "down-" + i).path("message_id").asText());
        }
        call(owner, "POST", "/api/v1/channels/" + channel + "/members", Map.of("user_id", joiner));
        awaitFailedAttempts(owner, channel, webhookId);
        try (RecordingEndpoint receiver = new RecordingEndpoint(port)) {
            for (int i = 0; i < 10; i++) {
                sent.add(send(joiner, channel, "up-" + i).path("message_id").asText());
            }
            assertThat(status(owner, "DELETE", "/api/v1/channels/" + channel + "/members/" + joiner, null)).isEqualTo(204);

            List<RecordingEndpoint.Request> got = receiver.await(requests -> ids(requests).size() == 22, WAIT,
                    "20 messages, a join and a leave");
            Set<String> expected = new LinkedHashSet<>();
            sent.forEach(id -> expected.add("msg_" + id));
            List<String> messageIds = new ArrayList<>();
            for (RecordingEndpoint.Request request : got) {
                String id = request.header("webhook-id");
                String timestamp = request.header("webhook-timestamp");
                assertThat(request.header("webhook-signature")).as("signed with the webhook's secret")
                        .isEqualTo("v1," + hmac(secret, id + "." + timestamp + "." + request.text()));
                JsonNode body = Json.tree(request.text());
                assertThat(body.path("data").path("channel_id").asText()).isEqualTo(channel);
                if (body.path("type").asText().equals("message") && !messageIds.contains(id)) {
                    messageIds.add(id);
                }
            }
            assertThat(messageIds).as("every message once per event id, in the channel's order").containsExactlyElementsOf(expected);
            List<String> types = new ArrayList<>();
            for (RecordingEndpoint.Request request : got) {
                types.add(Json.tree(request.text()).path("type").asText());
            }
            assertThat(types).contains("member_joined", "member_left");
            for (RecordingEndpoint.Request request : got) {
                // a redelivery (same id) carries the same event
                assertThat(got.stream().filter(other -> other.header("webhook-id").equals(request.header("webhook-id")))
                        .map(RecordingEndpoint.Request::text).distinct()).hasSize(1);
            }
        }
        JsonNode listed = call(owner, "GET", "/api/v1/channels/" + channel + "/webhooks", null).path("webhooks").get(0);
        assertThat(listed.has("secret")).isFalse();
        assertThat(listed.path("disabled_at").isNull()).isTrue();
        assertThat(listed.path("pending").asLong()).isZero();
        JsonNode deliveries = call(owner, "GET", "/api/v1/channels/" + channel + "/webhooks/" + webhookId + "/deliveries", null)
                .path("deliveries");
        assertThat(deliveries.findValuesAsText("status")).contains("200");
    }

    @Test
    void editsDeletionsAndReactionsReachTheWebhooksThatWantThem() throws Exception {
        long owner = user("owner");
        long fan = user("fan");
        String channel = group(owner, fan);
        try (RecordingEndpoint receiver = new RecordingEndpoint(0)) {
            call(owner, "POST", "/api/v1/channels/" + channel + "/webhooks", Map.of("url", receiver.url("/hook"),
                    "events", List.of("message_updated", "message_deleted", "reaction")));
            String first = send(owner, channel, "draft").path("message_id").asText();
            String second = send(owner, channel, "oops").path("message_id").asText();
            String path = "/api/v1/channels/" + channel + "/messages/";
            // 404 until the persister has stored the message
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(owner, "PATCH", path + first, Map.of("content", "final")), status -> status != 404);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> status(owner, "DELETE", path + second, null), status -> status != 404);
            assertThat(status(fan, "PUT", path + first + "/reactions/" + java.net.URLEncoder.encode("🎉", StandardCharsets.UTF_8), null))
                    .isEqualTo(204);
            List<RecordingEndpoint.Request> got = receiver.await(requests -> ids(requests).size() >= 3, WAIT,
                    "an edit, a deletion and a reaction");
            List<JsonNode> bodies = new ArrayList<>();
            for (RecordingEndpoint.Request request : got) {
                bodies.add(Json.tree(request.text()));
            }
            assertThat(bodies).extracting(body -> body.path("type").asText())
                    .as("in the channel's order; messages not subscribed to are not sent")
                    .containsExactly("message_updated", "message_deleted", "reaction");
            assertThat(bodies.get(0).path("data").path("content").asText()).isEqualTo("final");
            assertThat(bodies.get(1).path("data").path("message_id").asText()).isEqualTo(second);
            assertThat(bodies.get(2).path("data").path("emoji").asText()).isEqualTo("🎉");
            assertThat(bodies.get(2).path("data").path("user_id").asLong()).isEqualTo(fan);
            assertThat(got.get(2).header("webhook-id")).startsWith("evt_" + channel + "_");
        }
    }

    @Test
    void aRetriedSendReachesTheWebhookOnce() throws Exception {
        long owner = user("owner");
        String channel = group(owner);
        try (RecordingEndpoint receiver = new RecordingEndpoint(0)) {
            call(owner, "POST", "/api/v1/channels/" + channel + "/webhooks", Map.of("url", receiver.url("/hook"), "events", List.of("message")));
            Map<String, String> retried = Map.of("client_id", "retry-" + UUID.randomUUID(), "content", "sent twice");
            String first = call(owner, "POST", "/api/v1/channels/" + channel + "/messages", retried).path("message_id").asText();
            receiver.await(requests -> ids(requests).contains("msg_" + first), WAIT, "the first send");
            // the retry is written to Kafka again (the send path does that on purpose) and read by the notifier again
            assertThat(call(owner, "POST", "/api/v1/channels/" + channel + "/messages", retried).path("message_id").asText()).isEqualTo(first);
            String next = send(owner, channel, "after the retry").path("message_id").asText();
            List<RecordingEndpoint.Request> got = receiver.await(requests -> ids(requests).contains("msg_" + next), WAIT, "the next message");
            assertThat(got.stream().filter(r -> r.header("webhook-id").equals("msg_" + first))).as("delivered once").hasSize(1);
        }
    }

    @Test
    void aWebhookThatKeepsFailingIsDisabledAndItsOwnerSeesWhy() throws Exception {
        long owner = user("owner");
        String channel = group(owner);
        try (RecordingEndpoint receiver = new RecordingEndpoint(0)) {
            receiver.answer(request -> 500);
            String webhookId = call(owner, "POST", "/api/v1/channels/" + channel + "/webhooks",
                    Map.of("url", receiver.url("/broken"), "events", List.of("message"))).path("webhook_id").asText();
            send(owner, channel, "never delivered");
            JsonNode webhook = await().atMost(Duration.ofSeconds(RETRY_SECONDS + 30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> call(owner, "GET", "/api/v1/channels/" + channel + "/webhooks", null).path("webhooks").get(0),
                            listed -> !listed.path("disabled_at").isNull());
            assertThat(webhook.path("disabled_at").isNull()).as("disabled after " + RETRY_SECONDS + " s of failures").isFalse();
            assertThat(webhook.path("disabled_reason").asText()).contains("answered 500");
            assertThat(webhook.path("pending").asLong()).isZero();
            assertThat(receiver.requests().size()).as("retried with back-off").isGreaterThan(2);
            JsonNode deliveries = call(owner, "GET", "/api/v1/channels/" + channel + "/webhooks/" + webhookId + "/deliveries", null)
                    .path("deliveries");
            // each attempt answered 500, or (rarely, on a loaded machine) failed on the way: then it says how
            assertThat(deliveries.findValuesAsText("status")).contains("500")
                    .allMatch(status -> status.equals("500") || status.equals("null"));
            deliveries.forEach(attempt -> assertThat(attempt.path("error").asText()).as(attempt.toString())
                    .satisfiesAnyOf(error -> assertThat(error).isEqualTo("answered 500"),
                            error -> {
                                assertThat(attempt.path("status").isNull()).isTrue();
                                assertThat(error).isNotBlank();
                            }));
            assertThat(deliveries.get(0).path("attempt").asInt()).isEqualTo(deliveries.size());
        }
    }

    @Test
    void onlyOwnersAddWebhooksAndOnlyToPublicOrAllowedUrls() throws Exception {
        long owner = user("owner");
        long member = user("member");
        String channel = group(owner, member);
        String path = "/api/v1/channels/" + channel + "/webhooks";
        assertThat(status(member, "POST", path, Map.of("url", "http://127.0.0.1:9/x", "events", List.of("message")))).isEqualTo(403);
        assertThat(status(owner, "POST", path, Map.of("url", "ftp://127.0.0.1/x", "events", List.of("message")))).isEqualTo(400);
        assertThat(status(owner, "POST", path, Map.of("url", "http://127.0.0.1:9/x", "events", List.of("typing")))).isEqualTo(400);
        assertThat(status(owner, "POST", path, Map.of("url", "http://127.0.0.1:9/x", "events", List.of()))).isEqualTo(400);
        assertThat(status(user("outsider"), "GET", path, null)).isEqualTo(403);
        assertThat(status(owner, "DELETE", path + "/" + UUID.randomUUID(), null)).isEqualTo(404);
        String id = call(owner, "POST", path, Map.of("url", "http://127.0.0.1:9/x", "events", List.of("message"))).path("webhook_id").asText();
        assertThat(status(owner, "DELETE", path + "/" + id, null)).isEqualTo(204);
        assertThat(call(owner, "GET", path, null).path("webhooks")).isEmpty();
    }

    @Test
    void offlineMembersGetAnEncryptedPushNamingTheChannelAndOnlineMembersNone() throws Exception {
        long sender = user("sender");
        long offline = user("offline");
        long quiet = user("quiet");
        long online = user("online");
        long phone = user("phone");
        String channel = group(sender, offline, quiet, online, phone);
        String deviceToken = "fcm-token-" + UUID.randomUUID();
        assertThat(status(phone, "POST", "/api/v1/push/subscriptions", Map.of("provider", "fcm", "token", deviceToken)))
                .isEqualTo(201);
        try (RecordingEndpoint pushService = new RecordingEndpoint(0)) {
            pushService.answer(request -> 201);
            WebPushDecryption offlineBrowser = new WebPushDecryption();
            WebPushDecryption quietBrowser = new WebPushDecryption();
            WebPushDecryption onlineBrowser = new WebPushDecryption();
            subscribe(offline, pushService.url("/push/offline"), offlineBrowser, true);
            subscribe(quiet, pushService.url("/push/quiet"), quietBrowser, false);
            subscribe(online, pushService.url("/push/online"), onlineBrowser, true);
            CompletableFuture<String> hello = new CompletableFuture<>();
            WebSocket socket = HTTP.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + gateway.port()
                    + "/ws?token=" + tokens.issue(online, Duration.ofMinutes(5))), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            hello.complete(data.toString());
                            webSocket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            try {
                hello.get(10, TimeUnit.SECONDS); // online: the gateway registered the device
                send(sender, channel, "the build is green");

                List<RecordingEndpoint.Request> pushes = pushService.await(requests -> requests.size() >= 2, WAIT,
                        "a push to each offline member");
                RecordingEndpoint.Request toOffline = pushes.stream().filter(r -> r.path().equals("/push/offline")).findFirst().orElseThrow();
                JsonNode payload = Json.tree(offlineBrowser.decrypt(toOffline.body()));
                assertThat(payload.path("channel_id").asText()).isEqualTo(channel);
                assertThat(payload.path("channel_name").asText()).isEqualTo("notify-test");
                assertThat(payload.path("preview").asText()).isEqualTo("the build is green");
                assertThat(toOffline.header("Content-Encoding")).isEqualTo("aes128gcm");
                assertThat(toOffline.header("Topic")).isEqualTo(channel.replace("-", ""));
                assertVapid(toOffline);
                JsonNode quietPayload = Json.tree(quietBrowser.decrypt(pushes.stream()
                        .filter(r -> r.path().equals("/push/quiet")).findFirst().orElseThrow().body()));
                assertThat(quietPayload.path("channel_name").asText()).isEqualTo("notify-test");
                assertThat(quietPayload.has("preview")).as("previews off: no content").isFalse();
                // the native app's member got it through FCM
                RecordingEndpoint.Request toPhone = fcm.await(requests -> requests.stream().anyMatch(r -> r.text().contains(deviceToken)),
                        WAIT, "an FCM message for the app").stream().filter(r -> r.text().contains(deviceToken)).findFirst().orElseThrow();
                assertThat(toPhone.header("Authorization")).isEqualTo("Bearer test-access");
                assertThat(Json.tree(toPhone.text()).path("message").path("data").path("channel_id").asText()).isEqualTo(channel);

                // a later message to the offline members proves the online member's turn has passed
                send(sender, channel, "second");
                pushService.await(requests -> requests.size() >= 4, WAIT, "the second message's pushes");
                assertThat(pushService.requests()).noneMatch(r -> r.path().equals("/push/online"));
            } finally {
                socket.abort();
            }
        }
    }

    @Test
    void aMentionedOfflineMemberIsPushedUnderTheMessagesOwnTopic() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        long sender = user("sender");
        long named = userNamed("named-" + suffix);
        long other = user("other");
        String channel = group(sender, named, other);
        try (RecordingEndpoint pushService = new RecordingEndpoint(0)) {
            pushService.answer(request -> 201);
            WebPushDecryption namedBrowser = new WebPushDecryption();
            WebPushDecryption otherBrowser = new WebPushDecryption();
            subscribe(named, pushService.url("/push/named"), namedBrowser, true);
            subscribe(other, pushService.url("/push/other"), otherBrowser, true);
            JsonNode sent = send(sender, channel, "@named-" + suffix + " can you look?");

            List<RecordingEndpoint.Request> pushes = pushService.await(requests -> requests.size() >= 2, WAIT, "both pushes");
            RecordingEndpoint.Request toNamed = pushes.stream().filter(r -> r.path().equals("/push/named")).findFirst().orElseThrow();
            JsonNode payload = Json.tree(namedBrowser.decrypt(toNamed.body()));
            assertThat(payload.path("mention").asBoolean()).isTrue();
            assertThat(toNamed.header("Topic")).as("its own topic: the channel's next push does not replace it")
                    .isEqualTo(sent.path("message_id").asText().replace("-", ""));
            RecordingEndpoint.Request toOther = pushes.stream().filter(r -> r.path().equals("/push/other")).findFirst().orElseThrow();
            assertThat(Json.tree(otherBrowser.decrypt(toOther.body())).has("mention")).isFalse();
            assertThat(toOther.header("Topic")).isEqualTo(channel.replace("-", ""));
        }
    }

    @Test
    void pushSubscriptionsAreValidatedAndRemovable() throws Exception {
        long user = user("subscriber");
        WebPushDecryption browser = new WebPushDecryption();
        String path = "/api/v1/push/subscriptions";
        assertThat(status(user, "POST", path, Map.of("endpoint", "http://127.0.0.1:9/p", "keys", Map.of("p256dh", "abc", "auth", browser.auth()))))
                .isEqualTo(400);
        assertThat(status(user, "POST", path, Map.of("endpoint", "mailto:x@example.com",
                "keys", Map.of("p256dh", browser.p256dh(), "auth", browser.auth())))).isEqualTo(400);
        assertThat(status(user, "POST", path, Map.of("endpoint", "http://127.0.0.1:9/p"))).isEqualTo(400);
        assertThat(status(user, "POST", path, Map.of("provider", "apns", "token", "not-hex"))).isEqualTo(400);
        assertThat(status(user, "POST", path, Map.of("provider", "carrier-pigeon", "token", "x"))).isEqualTo(400);
        String apnsToken = "0f".repeat(32);
        assertThat(status(user, "POST", path, Map.of("provider", "apns", "token", apnsToken))).isEqualTo(201);
        assertThat(status(user, "DELETE", path, Map.of("token", apnsToken))).isEqualTo(204);
        subscribe(user, "http://127.0.0.1:9/p", browser, true);
        subscribe(user, "http://127.0.0.1:9/p", browser, false); // again: updated, not doubled
        assertThat(status(user("other"), "DELETE", path, Map.of("endpoint", "http://127.0.0.1:9/p"))).isEqualTo(404);
        assertThat(status(user, "DELETE", path, Map.of("endpoint", "http://127.0.0.1:9/p"))).isEqualTo(204);
        assertThat(status(user, "DELETE", path, Map.of("endpoint", "http://127.0.0.1:9/p"))).isEqualTo(404);
    }

    private static void assertVapid(RecordingEndpoint.Request push) throws Exception {
        String authorization = push.header("Authorization");
        assertThat(authorization).startsWith("vapid t=");
        String token = authorization.substring("vapid t=".length(), authorization.indexOf(','));
        String key = authorization.substring(authorization.indexOf("k=") + 2);
        assertThat(Base64.getUrlDecoder().decode(key)).isEqualTo(vapid.getApplicationServerKey());
        DecodedJWT jwt = JWT.require(Algorithm.ECDSA256(WebPushDecryption.publicKey(Base64.getUrlDecoder().decode(key)), null))
                .build().verify(token);
        assertThat(jwt.getAudience()).containsExactly("http://127.0.0.1:" + URI.create("http://" + push.header("Host")).getPort());
    }

    private static void subscribe(long user, String endpoint, WebPushDecryption browser, boolean previews) {
        assertThat(status(user, "POST", "/api/v1/push/subscriptions", Map.of("endpoint", endpoint,
                "keys", Map.of("p256dh", browser.p256dh(), "auth", browser.auth()), "previews", previews))).isEqualTo(201);
    }

    /** Waits until the webhook's delivery log shows attempts that found nobody listening. */
    private static void awaitFailedAttempts(long owner, String channel, String webhookId) {
        JsonNode deliveries = await("failed attempts recorded").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                .until(() -> call(owner, "GET", "/api/v1/channels/" + channel + "/webhooks/" + webhookId + "/deliveries", null)
                        .path("deliveries"), found -> found.size() >= 2);
        assertThat(deliveries.get(0).path("status").isNull()).isTrue();
        assertThat(deliveries.get(0).path("error").asText()).contains("Connect");
    }

    private static Set<String> ids(List<RecordingEndpoint.Request> requests) {
        Set<String> ids = new LinkedHashSet<>();
        requests.forEach(request -> ids.add(request.header("webhook-id")));
        return ids;
    }

    private static String hmac(String secret, String signed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private static String group(long owner, long... members) {
        List<Long> ids = new ArrayList<>(List.of(owner));
        for (long member : members) {
            ids.add(member);
        }
        return call(owner, "POST", "/api/v1/channels", Map.of("type", "group", "name", "notify-test", "member_ids", ids))
                .path("channel_id").asText();
    }

    private static JsonNode send(long sender, String channel, String content) {
        return call(sender, "POST", "/api/v1/channels/" + channel + "/messages",
                Map.of("client_id", UUID.randomUUID().toString(), "content", content));
    }

    private static JsonNode call(long caller, String method, String path, Object body) {
        HttpResponse<String> response = request(caller, method, path, body);
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        try {
            return response.body().isEmpty() ? null : Json.tree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static int status(long caller, String method, String path, Object body) {
        return request(caller, method, path, body).statusCode();
    }

    private static HttpResponse<String> request(long caller, String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + tokens.issue(caller, Duration.ofMinutes(5)));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static long user(String name) {
        return userNamed(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    private static long userNamed(String name) {
        try (Connection db = DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "");
             PreparedStatement insert = db.prepareStatement("INSERT INTO users (name) VALUES (?) RETURNING id")) {
            insert.setString(1, name);
            try (ResultSet id = insert.executeQuery()) {
                id.next();
                return id.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] privateBytes(ECPrivateKey key) {
        byte[] s = key.getS().toByteArray();
        byte[] out = new byte[32];
        System.arraycopy(s, Math.max(0, s.length - 32), out, Math.max(0, 32 - s.length), Math.min(32, s.length));
        return out;
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
