package dev.chat.notifier;

import java.time.Duration;

import dev.chat.common.feed.FeedSettings;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;

/**
 * The notifier's settings ({@code notifier.*} and {@code push.*} in application.yaml).
 *
 * @param feed                  how it reads chat-messages: topic, group, batch, fetch sizes, commits
 * @param webhookTimeout        how long one delivery waits for an answer
 * @param firstRetry            the first retry's wait
 * @param maxRetry              the longest wait between retries
 * @param retryWindow           how long an event is retried before its webhook is disabled
 * @param maxPending            most events waiting per webhook before it is disabled
 * @param pollInterval          how often the outbox is looked at for due deliveries
 * @param concurrency           webhooks delivered to at once by this instance
 * @param lease                 how long this instance owns a webhook it delivers to
 * @param push                  Web Push settings
 */
record NotifierSettings(FeedSettings feed, Duration webhookTimeout, Duration firstRetry,
                        Duration maxRetry, Duration retryWindow, int maxPending, Duration pollInterval, int concurrency,
                        Duration lease, Push push) {

    /**
     * Web Push settings.
     *
     * @param vapidPublicKey  base64url public key (65 bytes), null: push off
     * @param vapidPrivateKey base64url private key (32 bytes)
     * @param subject         mailto: or https: contact
     * @param ttl             how long a push service keeps an undelivered notification
     * @param collapse        at most one notification per member and channel within this
     * @param maxAge          older messages are not pushed
     * @param previewChars    content characters in a notification
     * @param fcm             Firebase Cloud Messaging, null when not configured
     * @param apns            Apple Push Notification service, null when not configured
     */
    record Push(String vapidPublicKey, String vapidPrivateKey, String subject, Duration ttl, Duration collapse,
                Duration maxAge, int previewChars, Fcm fcm, Apns apns) {
        boolean webPush() {
            return vapidPublicKey != null && vapidPrivateKey != null;
        }

        boolean enabled() {
            return webPush() || fcm != null || apns != null;
        }
    }

    /**
     * FCM HTTP v1 ({@code push.fcm.*}).
     *
     * @param credentialsFile the service account's JSON key file
     * @param projectId       the Firebase project, null to take the file's {@code project_id}
     * @param url             the API's address
     */
    record Fcm(String credentialsFile, String projectId, String url) {
    }

    /**
     * APNs with token-based authentication ({@code push.apns.*}).
     *
     * @param keyFile the .p8 signing key
     * @param keyId   its key id
     * @param teamId  the Apple developer team
     * @param topic   the app's bundle id
     * @param url     the service's address (production or sandbox)
     */
    record Apns(String keyFile, String keyId, String teamId, String topic, String url) {
    }

    static NotifierSettings create(Config config, BackendSettings backends) {
        String publicKey = config.get("push.vapidpublickey").asString().filter(s -> !s.isBlank()).orElse(null);
        String privateKey = config.get("push.vapidprivatekey").asString().filter(s -> !s.isBlank()).orElse(null);
        if ((publicKey == null) != (privateKey == null)) {
            throw new IllegalStateException("Set both push.vapidpublickey and push.vapidprivatekey (PUSH_VAPIDPUBLICKEY,"
                    + " PUSH_VAPIDPRIVATEKEY) for Web Push, or neither to turn it off");
        }
        return new NotifierSettings(new FeedSettings(backends.messagesTopic(),
                        config.get("notifier.group").asString().orElse("chat-notifier"),
                        ServiceConfig.positiveInt(config, "notifier.maxbatch", 500),
                        ServiceConfig.intBetween(config, "notifier.fetchminbytes", 262_144, 1, 52_428_800),
                        Duration.ofMillis(ServiceConfig.intBetween(config, "notifier.fetchmaxwaitmillis", 1000, 0, 10_000)),
                        Duration.ofSeconds(ServiceConfig.positiveInt(config, "notifier.commitsyncseconds", 5))),
                millis(config, "notifier.webhooktimeoutmillis", 10_000),
                millis(config, "notifier.webhookfirstretrymillis", 1_000),
                millis(config, "notifier.webhookmaxretrymillis", 3_600_000),
                Duration.ofSeconds(ServiceConfig.positiveInt(config, "notifier.webhookretryseconds", 86_400)),
                ServiceConfig.positiveInt(config, "notifier.webhookmaxpending", 10_000),
                millis(config, "notifier.webhookpollmillis", 500),
                ServiceConfig.positiveInt(config, "notifier.webhookconcurrency", 32),
                Duration.ofSeconds(ServiceConfig.positiveInt(config, "notifier.webhookleaseseconds", 30)),
                new Push(publicKey, privateKey, config.get("push.subject").asString().orElse("mailto:operator@example.invalid"),
                        Duration.ofSeconds(ServiceConfig.positiveInt(config, "push.ttlseconds", 3600)),
                        Duration.ofSeconds(config.get("push.collapseseconds").asLong().orElse(30L)),
                        Duration.ofSeconds(ServiceConfig.positiveInt(config, "push.maxageseconds", 120)),
                        ServiceConfig.positiveInt(config, "push.previewchars", 120), fcm(config), apns(config)));
    }

    private static Fcm fcm(Config config) {
        return optional(config, "push.fcm.credentialsfile").map(file -> new Fcm(file,
                optional(config, "push.fcm.projectid").orElse(null),
                optional(config, "push.fcm.url").orElse("https://fcm.googleapis.com"))).orElse(null);
    }

    private static Apns apns(Config config) {
        return optional(config, "push.apns.keyfile").map(file -> new Apns(file,
                ServiceConfig.required(config, "push.apns.keyid"), ServiceConfig.required(config, "push.apns.teamid"),
                ServiceConfig.required(config, "push.apns.topic"),
                optional(config, "push.apns.url").orElse("https://api.push.apple.com"))).orElse(null);
    }

    private static java.util.Optional<String> optional(Config config, String key) {
        return config.get(key).asString().asOptional().filter(value -> !value.isBlank());
    }

    private static Duration millis(Config config, String key, int fallback) {
        return Duration.ofMillis(ServiceConfig.positiveInt(config, key, fallback));
    }
}
