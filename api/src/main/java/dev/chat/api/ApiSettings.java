package dev.chat.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;

/**
 * The api's own settings, validated at start-up from {@code api.*}.
 *
 * @param admins   user ids that may create users
 * @param devLogin whether the local-stack login is on (only on the local profile, bound to loopback)
 * @param tokenTtl lifetime of the tokens the api issues
 * @param ratePerSecond requests per second each user may make (sustained)
 * @param rateBurst     requests each user may make at once
 * @param clientGateways the gateway URLs the web client is told to use
 * @param maxMembersPerRequest most users one request may put into a channel
 * @param kafkaSendTimeout     how long a REST send waits for Kafka
 * @param kafkaRetryWindow     how long the producer keeps retrying after that
 * @param maxContentChars      longest message content
 * @param maxWebhooksPerChannel most webhooks one channel may have
 * @param vapidPublicKey       the notifier's Web Push key for browsers (push.vapidpublickey), null when push is off
 * @param maxUploadBytes       largest file accepted for upload
 */
record ApiSettings(Set<Long> admins, boolean devLogin, Duration tokenTtl, int ratePerSecond, int rateBurst,
                   java.util.List<String> clientGateways, int maxMembersPerRequest, Duration kafkaSendTimeout,
                   Duration kafkaRetryWindow, int maxContentChars, int maxWebhooksPerChannel,
                   String vapidPublicKey, long maxUploadBytes) {

    static ApiSettings create(Config config) {
        Set<Long> ids = ServiceConfig.userIds(config, "api.admins");
        boolean devLogin = config.get("api.devlogin").asBoolean().orElse(false);
        String host = config.get("server.host").asString().orElse("0.0.0.0");
        if (devLogin && !(ServiceConfig.localProfile(config) && loopback(host))) {
            throw new IllegalStateException("Configuration 'api.devlogin' (API_DEVLOGIN) lets anyone log in as any user by name:"
                    + " it is only allowed on the local profile (CHAT_PROFILE=local) with the api bound to a loopback"
                    + " address (server.host, was '" + host + "')");
        }
        return new ApiSettings(ids, devLogin,
                Duration.ofMinutes(ServiceConfig.positiveInt(config, "api.tokenttlminutes", 720)),
                ServiceConfig.positiveInt(config, "api.ratepersecond", 50),
                ServiceConfig.positiveInt(config, "api.rateburst", 200),
                Arrays.stream(config.get("api.clientgateways").asString().orElse("ws://127.0.0.1:8081/ws").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty()).toList(),
                ServiceConfig.positiveInt(config, "api.maxmembersperrequest", 100),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "api.kafkasendtimeoutmillis", 5_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "api.kafkaretrymillis", 120_000)),
                ServiceConfig.positiveInt(config, "api.maxcontentchars", 4_000),
                ServiceConfig.positiveInt(config, "api.maxwebhookspechannel", 10),
                config.get("push.vapidpublickey").asString().filter(key -> !key.isBlank()).orElse(null),
                ServiceConfig.positiveInt(config, "api.maxuploadbytes", 10 * 1024 * 1024));
    }

    private static boolean loopback(String host) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
