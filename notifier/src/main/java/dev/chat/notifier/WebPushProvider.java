package dev.chat.notifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;

import com.interaso.webpush.VapidKeys;
import com.interaso.webpush.WebPush;
import dev.chat.common.outbound.OutboundTargets;

/**
 * Web Push (RFC 8030) with encrypted payloads (RFC 8291, aes128gcm) and VAPID (RFC 8292): the
 * {@code com.interaso:webpush} library encrypts and signs, the JDK HTTP client posts (no
 * redirects; the endpoint is checked against {@link OutboundTargets} first). Thread-safe.
 */
final class WebPushProvider implements PushProvider {

    private static final System.Logger LOG = System.getLogger(WebPushProvider.class.getName());

    private final WebPush webPush;
    private final OutboundTargets targets;
    private final int ttlSeconds;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    WebPushProvider(NotifierSettings.Push settings, OutboundTargets targets) {
        this.webPush = new WebPush(settings.subject(),
                VapidKeys.fromUncompressedBytes(settings.vapidPublicKey(), settings.vapidPrivateKey()));
        this.targets = targets;
        this.ttlSeconds = (int) settings.ttl().toSeconds();
    }

    @Override
    public Outcome send(PushSubscriptions.Subscription subscription, PushMessage message) throws InterruptedException {
        try {
            URI endpoint = targets.check(subscription.endpoint());
            byte[] body = webPush.getBody(message.json().getBytes(StandardCharsets.UTF_8),
                    Base64.getUrlDecoder().decode(subscription.p256dh()), Base64.getUrlDecoder().decode(subscription.auth()));
            HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            for (Map.Entry<String, String> header : webPush.getHeaders(subscription.endpoint(), ttlSeconds, message.collapseKey(),
                    WebPush.Urgency.High).entrySet()) {
                request.header(header.getKey(), header.getValue());
            }
            int status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 404 || status == 410) {
                return Outcome.GONE;
            }
            if (status / 100 != 2) {
                LOG.log(System.Logger.Level.WARNING, "push: {0} answered {1}", endpoint.getHost(), status);
                return Outcome.FAILED;
            }
            return Outcome.SENT;
        } catch (OutboundTargets.Refused e) {
            LOG.log(System.Logger.Level.WARNING, "push: endpoint refused: {0}", e.getMessage());
            return Outcome.FAILED;
        } catch (java.io.IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "push: sending failed: {0}", e.toString());
            return Outcome.FAILED;
        }
    }
}
