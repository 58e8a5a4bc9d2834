package dev.chat.notifier;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;

/**
 * Firebase Cloud Messaging, HTTP v1 API: signs an OAuth 2 assertion with the service account's key
 * (RS256), trades it for an access token at the account's {@code token_uri} (cached until shortly
 * before it expires), and posts {@code projects/<id>/messages:send} with the device token, a
 * visible notification (title, body; tagged by channel so a newer one replaces it) and the
 * message's fields as data. 404/UNREGISTERED means the app was uninstalled: the subscription is
 * forgotten. Thread-safe.
 */
final class FcmProvider implements PushProvider {

    private static final System.Logger LOG = System.getLogger(FcmProvider.class.getName());
    private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

    private final String clientEmail;
    private final Algorithm signing;
    private final URI tokenUri;
    private final URI sendUri;
    private final Duration ttl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String accessToken;
    private Instant accessTokenExpires = Instant.EPOCH;

    /**
     * @param settings the service account file and the API's address
     * @param ttl      how long FCM keeps an undelivered notification
     */
    FcmProvider(NotifierSettings.Fcm settings, Duration ttl) {
        JsonNode account;
        try {
            account = Json.tree(Files.readString(Path.of(settings.credentialsFile())));
        } catch (IOException e) {
            throw new IllegalStateException("push.fcm.credentialsfile: cannot read the service account file "
                    + settings.credentialsFile() + ": " + e.getMessage(), e);
        }
        this.clientEmail = required(account, "client_email");
        this.signing = Algorithm.RSA256(null, (RSAPrivateKey) PemKeys.privateKey(required(account, "private_key"), "RSA"));
        this.tokenUri = URI.create(account.path("token_uri").asText("https://oauth2.googleapis.com/token"));
        String project = settings.projectId() != null ? settings.projectId() : required(account, "project_id");
        this.sendUri = URI.create(settings.url() + "/v1/projects/" + project + "/messages:send");
        this.ttl = ttl;
    }

    private static String required(JsonNode account, String field) {
        String value = account.path(field).asText("");
        if (value.isEmpty()) {
            throw new IllegalStateException("push.fcm.credentialsfile: the service account file has no '" + field + "'");
        }
        return value;
    }

    @Override
    public Outcome send(PushSubscriptions.Subscription subscription, PushMessage message) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(sendUri).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + accessToken())
                    .header("Content-Type", "application/json; charset=UTF-8")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.encode(Map.of("message", body(subscription, message)))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 200) {
                return Outcome.SENT;
            }
            if (status == 404 || response.body().contains("UNREGISTERED")) {
                return Outcome.GONE;
            }
            if (status == 401) {
                forgetAccessToken();
            }
            LOG.log(System.Logger.Level.WARNING, "push: FCM answered {0}: {1}", status, brief(response.body()));
            return Outcome.FAILED;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "push: FCM: {0}", e.toString());
            return Outcome.FAILED;
        }
    }

    private Map<String, Object> body(PushSubscriptions.Subscription subscription, PushMessage message) {
        Map<String, String> data = new LinkedHashMap<>();
        message.fields().forEach((key, value) -> data.put(key, String.valueOf(value))); // FCM data values are strings
        Map<String, Object> android = new LinkedHashMap<>();
        android.put("priority", "HIGH");
        android.put("ttl", ttl.toSeconds() + "s");
        android.put("collapse_key", message.collapseKey());
        android.put("notification", Map.of("tag", message.collapseKey()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", subscription.endpoint());
        body.put("notification", Map.of("title", message.title(), "body", message.body()));
        body.put("data", data);
        body.put("android", android);
        return body;
    }

    /** @return a valid access token, fetched with a signed assertion when the cached one is (nearly) expired */
    private synchronized String accessToken() throws IOException, InterruptedException {
        Instant now = Instant.now();
        if (accessToken != null && now.isBefore(accessTokenExpires.minusSeconds(60))) {
            return accessToken;
        }
        String assertion = JWT.create().withIssuer(clientEmail).withAudience(tokenUri.toString()).withClaim("scope", SCOPE)
                .withIssuedAt(now).withExpiresAt(now.plusSeconds(3600)).sign(signing);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenUri).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + URLEncoder.encode(
                        "urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8) + "&assertion=" + assertion))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the OAuth token endpoint answered " + response.statusCode() + ": " + brief(response.body()));
        }
        JsonNode token = Json.tree(response.body());
        accessToken = token.path("access_token").asText();
        accessTokenExpires = now.plusSeconds(token.path("expires_in").asLong(3600));
        return accessToken;
    }

    private synchronized void forgetAccessToken() {
        accessToken = null;
    }

    private static String brief(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
