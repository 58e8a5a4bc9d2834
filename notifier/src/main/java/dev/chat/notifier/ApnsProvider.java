package dev.chat.notifier;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.chat.common.wire.Json;

/**
 * Apple Push Notification service with token-based authentication: an ES256 provider token (key
 * id, team id; renewed every 50 minutes, as Apple wants one between 20 and 60 minutes old) on
 * HTTP/2 {@code POST /3/device/<token>}, an alert (title, body), the channel as {@code thread-id}
 * and {@code apns-collapse-id}, and the message's fields under {@code chat}. 410 or
 * BadDeviceToken/Unregistered means the token is dead: the subscription is forgotten. Thread-safe.
 */
final class ApnsProvider implements PushProvider {

    private static final System.Logger LOG = System.getLogger(ApnsProvider.class.getName());
    private static final Duration TOKEN_AGE = Duration.ofMinutes(50);

    private final NotifierSettings.Apns settings;
    private final Algorithm signing;
    private final Duration ttl;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String providerToken;
    private Instant providerTokenIssued = Instant.EPOCH;

    /**
     * @param settings the key, its id, the team, the app's topic and the service's address
     * @param ttl      how long APNs keeps an undelivered notification
     */
    ApnsProvider(NotifierSettings.Apns settings, Duration ttl) {
        this.settings = settings;
        String pem;
        try {
            pem = Files.readString(Path.of(settings.keyFile()));
        } catch (IOException e) {
            throw new IllegalStateException("push.apns.keyfile: cannot read " + settings.keyFile() + ": " + e.getMessage(), e);
        }
        this.signing = Algorithm.ECDSA256(null, (ECPrivateKey) PemKeys.privateKey(pem, "EC"));
        this.ttl = ttl;
    }

    @Override
    public Outcome send(PushSubscriptions.Subscription subscription, PushMessage message) throws InterruptedException {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(settings.url() + "/3/device/"
                            + subscription.endpoint())).timeout(Duration.ofSeconds(10))
                    .header("authorization", "bearer " + providerToken())
                    .header("apns-topic", settings.topic())
                    .header("apns-push-type", "alert")
                    .header("apns-priority", "10")
                    .header("apns-expiration", Long.toString(Instant.now().plus(ttl).getEpochSecond()))
                    .header("apns-collapse-id", message.collapseKey())
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.encode(body(message))))
                    .build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 200) {
                return Outcome.SENT;
            }
            String reason = response.body();
            if (status == 410 || reason.contains("BadDeviceToken") || reason.contains("Unregistered")) {
                return Outcome.GONE;
            }
            if (reason.contains("ExpiredProviderToken")) {
                forgetProviderToken();
            }
            LOG.log(System.Logger.Level.WARNING, "push: APNs answered {0}: {1}", status, reason);
            return Outcome.FAILED;
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "push: APNs: {0}", e.toString());
            return Outcome.FAILED;
        }
    }

    private static Map<String, Object> body(PushMessage message) {
        Map<String, Object> aps = new LinkedHashMap<>();
        aps.put("alert", Map.of("title", message.title(), "body", message.body()));
        aps.put("thread-id", message.channelId());
        aps.put("sound", "default");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("aps", aps);
        body.put("chat", message.fields());
        return body;
    }

    private synchronized String providerToken() {
        Instant now = Instant.now();
        if (providerToken == null || now.isAfter(providerTokenIssued.plus(TOKEN_AGE))) {
            providerToken = JWT.create().withKeyId(settings.keyId()).withIssuer(settings.teamId()).withIssuedAt(now).sign(signing);
            providerTokenIssued = now;
        }
        return providerToken;
    }

    private synchronized void forgetProviderToken() {
        providerToken = null;
    }
}
