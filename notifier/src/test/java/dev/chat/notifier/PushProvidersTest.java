package dev.chat.notifier;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The FCM and APNs providers against local HTTP endpoints that stand in for Google's and Apple's
 * services and record what they would receive: the OAuth exchange and the message for FCM, the
 * provider token, headers and alert for APNs, and the answers that mean "this device is gone".
 */
class PushProvidersTest {

    private static final PushMessage MESSAGE = new PushMessage(UUID.randomUUID().toString(), "ops", "group",
            UUID.randomUUID().toString(), 7, "alice", "the build is green", false);

    @Test
    void fcmTradesASignedAssertionForATokenOnceAndSendsTheMessage(@TempDir Path dir) throws Exception {
        KeyPair keys = rsa();
        try (RecordingEndpoint google = new RecordingEndpoint(0)) {
            google.reply(request -> request.path().equals("/token")
                    ? new RecordingEndpoint.Reply(200, "{\"access_token\":\"access-1\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                    : new RecordingEndpoint.Reply(200, "{\"name\":\"projects/chat-test/messages/1\"}"));
            Path account = dir.resolve("service-account.json");
            Files.writeString(account, Json.encode(Map.of("type", "service_account", "project_id", "chat-test",
                    "client_email", "notifier@chat-test.iam.gserviceaccount.com", "private_key", pem(keys.getPrivate().getEncoded()),
                    "token_uri", google.url("/token"))));
            FcmProvider fcm = new FcmProvider(new NotifierSettings.Fcm(account.toString(), null, google.url("")), Duration.ofHours(1));

            assertThat(fcm.send(subscription("fcm", "device-token-0123456789"), MESSAGE)).isEqualTo(PushProvider.Outcome.SENT);
            assertThat(fcm.send(subscription("fcm", "device-token-0123456789"), MESSAGE)).isEqualTo(PushProvider.Outcome.SENT);

            assertThat(google.requests()).extracting(RecordingEndpoint.Request::path)
                    .containsExactly("/token", "/v1/projects/chat-test/messages:send", "/v1/projects/chat-test/messages:send");
            Map<String, String> form = form(google.requests().get(0).text());
            assertThat(form.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
            DecodedJWT assertion = JWT.require(Algorithm.RSA256((RSAPublicKey) keys.getPublic(), null)).build().verify(form.get("assertion"));
            assertThat(assertion.getIssuer()).isEqualTo("notifier@chat-test.iam.gserviceaccount.com");
            assertThat(assertion.getAudience()).containsExactly(google.url("/token"));
            assertThat(assertion.getClaim("scope").asString()).isEqualTo("https://www.googleapis.com/auth/firebase.messaging");

            RecordingEndpoint.Request send = google.requests().get(1);
            assertThat(send.header("Authorization")).isEqualTo("Bearer access-1");
            JsonNode message = Json.tree(send.text()).path("message");
            assertThat(message.path("token").asText()).isEqualTo("device-token-0123456789");
            assertThat(message.path("notification").path("title").asText()).isEqualTo("ops");
            assertThat(message.path("notification").path("body").asText()).isEqualTo("alice: the build is green");
            assertThat(message.path("data").path("channel_id").asText()).isEqualTo(MESSAGE.channelId());
            assertThat(message.path("data").path("sender_id").asText()).as("FCM data values are strings").isEqualTo("7");
            assertThat(message.path("android").path("collapse_key").asText()).isEqualTo(MESSAGE.collapseKey());

            google.reply(request -> new RecordingEndpoint.Reply(404,
                    "{\"error\":{\"code\":404,\"status\":\"NOT_FOUND\",\"details\":[{\"errorCode\":\"UNREGISTERED\"}]}}"));
            assertThat(fcm.send(subscription("fcm", "device-token-0123456789"), MESSAGE)).isEqualTo(PushProvider.Outcome.GONE);
            google.reply(request -> new RecordingEndpoint.Reply(503, "{}"));
            assertThat(fcm.send(subscription("fcm", "device-token-0123456789"), MESSAGE)).isEqualTo(PushProvider.Outcome.FAILED);
        }
    }

    @Test
    void apnsSignsAProviderTokenAndSendsAnAlertCollapsedPerChannel(@TempDir Path dir) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        Path p8 = dir.resolve("AuthKey_ABC123DEFG.p8");
        Files.writeString(p8, pem(keys.getPrivate().getEncoded()));
        String device = "a1".repeat(32);
        try (RecordingEndpoint apple = new RecordingEndpoint(0)) {
            ApnsProvider apns = new ApnsProvider(new NotifierSettings.Apns(p8.toString(), "ABC123DEFG", "TEAM123456",
                    "dev.chat.app", apple.url("")), Duration.ofHours(1));
            PushMessage quiet = new PushMessage(MESSAGE.channelId(), "direct 7:8", "direct", MESSAGE.messageId(), 7, "alice", null, false);
            assertThat(apns.send(subscription("apns", device), quiet)).isEqualTo(PushProvider.Outcome.SENT);

            RecordingEndpoint.Request push = apple.requests().getFirst();
            assertThat(push.path()).isEqualTo("/3/device/" + device);
            assertThat(push.header("apns-topic")).isEqualTo("dev.chat.app");
            assertThat(push.header("apns-push-type")).isEqualTo("alert");
            assertThat(push.header("apns-collapse-id")).isEqualTo(MESSAGE.collapseKey());
            DecodedJWT token = JWT.require(Algorithm.ECDSA256((ECPublicKey) keys.getPublic(), null)).build()
                    .verify(push.header("authorization").substring("bearer ".length()));
            assertThat(token.getKeyId()).isEqualTo("ABC123DEFG");
            assertThat(token.getIssuer()).isEqualTo("TEAM123456");
            JsonNode body = Json.tree(push.text());
            assertThat(body.path("aps").path("alert").path("title").asText()).as("a direct channel: the sender").isEqualTo("alice");
            assertThat(body.path("aps").path("alert").path("body").asText()).as("previews off").isEqualTo("New message from alice");
            assertThat(body.path("aps").path("thread-id").asText()).isEqualTo(MESSAGE.channelId());
            assertThat(body.path("chat").has("preview")).isFalse();

            apple.reply(request -> new RecordingEndpoint.Reply(410, "{\"reason\":\"Unregistered\"}"));
            assertThat(apns.send(subscription("apns", device), MESSAGE)).isEqualTo(PushProvider.Outcome.GONE);
            apple.reply(request -> new RecordingEndpoint.Reply(400, "{\"reason\":\"BadDeviceToken\"}"));
            assertThat(apns.send(subscription("apns", device), MESSAGE)).isEqualTo(PushProvider.Outcome.GONE);
            apple.reply(request -> new RecordingEndpoint.Reply(500, "{\"reason\":\"InternalServerError\"}"));
            assertThat(apns.send(subscription("apns", device), MESSAGE)).isEqualTo(PushProvider.Outcome.FAILED);
        }
    }

    private static PushSubscriptions.Subscription subscription(String provider, String token) {
        return new PushSubscriptions.Subscription(UUID.randomUUID(), 8, UUID.fromString(MESSAGE.channelId()), "ops", "group",
                token, null, null, true, provider);
    }

    private static KeyPair rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static String pem(byte[] pkcs8) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new java.util.HashMap<>();
        for (String pair : body.split("&")) {
            String[] parts = pair.split("=", 2);
            form.put(URLDecoder.decode(parts[0], StandardCharsets.UTF_8), URLDecoder.decode(parts[1], StandardCharsets.UTF_8));
        }
        return form;
    }
}
