package dev.chat.gateway;

import java.time.Duration;

import dev.chat.common.runtime.ServiceConfig;
import io.helidon.config.Config;

/**
 * The gateway's own limits and timers, validated at start-up from {@code gateway.*}.
 *
 * @param maxFrameChars      longest text frame handled; longer ones get {@code too_large}
 * @param maxContentChars    longest message content
 * @param maxPresenceUsers   most users one socket may watch (subscribe_presence), in total
 * @param framesPerSecond    frames a socket may send per second, sustained (token bucket)
 * @param frameBurst         frames a socket may send at once
 * @param floodWindow        a socket whose frames are all refused for this long is closed (1008)
 * @param socketsPerUser     open sockets per user on one gateway
 * @param typingInterval     typing frames closer together than this (per socket and channel) are dropped
 * @param outboxCapacity     frames queued per socket past which it is closed as a slow consumer if
 *                           its writes stall (half of it: typing and presence are dropped)
 * @param outboxMaxChars     characters queued per socket past which it is closed as a slow consumer
 * @param pingInterval       how often each socket is pinged
 * @param pongTimeout        a socket without a pong for this long is closed
 * @param presenceTtl        how long a device counts as online after its last heartbeat
 * @param presenceSweep      how often expired devices (of gateways that died) are swept and announced offline
 * @param kafkaSendTimeout   how long a send waits for Kafka before answering unavailable
 * @param kafkaRetryWindow   how long the producer keeps retrying a message after that (in the background)
 * @param typingExpiry       how long clients show a typing indicator without a refresh
 * @param membershipCacheTtl how long a user's channel list is trusted without reloading
 * @param shutdownGrace      how long sockets get to close on SIGTERM
 * @param drainWindow        a drain (SIGTERM, chatctl drain) spreads its closes over at most this long
 * @param drainRatePerSecond a drain closes no faster than this many sockets per second unless the
 *                           window is too short for it
 * @param webOrigins         origins whose pages may open sockets (empty: same origin only)
 */
record GatewaySettings(int maxFrameChars,
                       int maxContentChars,
                       int maxPresenceUsers,
                       int framesPerSecond,
                       int frameBurst,
                       Duration floodWindow,
                       int socketsPerUser,
                       Duration typingInterval,
                       int outboxCapacity,
                       int outboxMaxChars,
                       Duration pingInterval,
                       Duration pongTimeout,
                       Duration presenceTtl,
                       Duration presenceSweep,
                       Duration kafkaSendTimeout,
                       Duration kafkaRetryWindow,
                       Duration typingExpiry,
                       Duration membershipCacheTtl,
                       Duration shutdownGrace,
                       Duration drainWindow,
                       int drainRatePerSecond,
                       java.util.Set<String> webOrigins) {

    static GatewaySettings create(Config config) {
        GatewaySettings settings = new GatewaySettings(
                ServiceConfig.positiveInt(config, "gateway.maxframechars", 16_384),
                ServiceConfig.positiveInt(config, "gateway.maxcontentchars", 4_000),
                ServiceConfig.positiveInt(config, "gateway.maxpresenceusers", 500),
                ServiceConfig.positiveInt(config, "gateway.framespersecond", 20),
                ServiceConfig.positiveInt(config, "gateway.frameburst", 100),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.floodclosemillis", 10_000)),
                ServiceConfig.positiveInt(config, "gateway.socketsperuser", 10),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.typingintervalmillis", 1_000)),
                ServiceConfig.positiveInt(config, "gateway.outboxcapacity", 256),
                ServiceConfig.positiveInt(config, "gateway.outboxmaxchars", 1 << 20),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.pingintervalmillis", 30_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.pongtimeoutmillis", 60_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.presencettlmillis", 45_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.presencesweepmillis", 15_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.kafkasendtimeoutmillis", 5_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.kafkaretrymillis", 120_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.typingexpirymillis", 4_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.membershipcachettlmillis", 60_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.shutdowngracemillis", 5_000)),
                Duration.ofMillis(ServiceConfig.positiveInt(config, "gateway.drainwindowmillis", 10_000)),
                ServiceConfig.positiveInt(config, "gateway.drainratepersecond", 1_000),
                java.util.Arrays.stream(config.get("gateway.weborigins").asString().orElse("").split(","))
                        .map(String::strip).filter(s -> !s.isEmpty())
                        .collect(java.util.stream.Collectors.toUnmodifiableSet()));
        if (settings.pongTimeout.compareTo(settings.pingInterval) <= 0) {
            throw new IllegalStateException("Configuration 'gateway.pongtimeoutmillis' must be longer than"
                    + " 'gateway.pingintervalmillis'");
        }
        return settings;
    }
}
