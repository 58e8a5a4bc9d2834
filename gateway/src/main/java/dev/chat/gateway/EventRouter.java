package dev.chat.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;

/**
 * Routes what arrives from Redis to local sockets: chat messages, read receipts and join notices
 * to the channel's sockets; typing and presence as droppable frames; membership changes into the
 * registry (the new member's local sockets start receiving the channel). Runs on the fan-out
 * dispatcher thread; membership changes, which subscribe in Redis, are handed to a virtual thread.
 */
final class EventRouter {

    private static final System.Logger LOG = System.getLogger(EventRouter.class.getName());

    private final ConnectionRegistry registry;
    private final Memberships memberships;
    private final GatewayMetrics metrics;

    EventRouter(ConnectionRegistry registry, Memberships memberships, GatewayMetrics metrics) {
        this.registry = registry;
        this.memberships = memberships;
        this.metrics = metrics;
    }

    void route(String topic, String payload) {
        JsonNode event;
        try {
            event = Json.tree(payload);
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring malformed event on {0}", topic);
            return;
        }
        String type = event.path("type").asText();
        if (FanOut.MEMBERSHIPS.equals(topic)) {
            if ("member_joined".equals(type)) {
                long userId = event.path("user_id").asLong();
                joined(UUID.fromString(event.path("channel_id").asText()), userId);
                // the new member's own devices learn about the channel (their client lists it at once)
                registry.connectionsOf(userId).forEach(connection -> connection.outbox().send(payload, false));
            }
            return;
        }
        switch (type) {
            case "message" -> {
                registry.deliver(topic, payload, false);
                Instant created = Instant.parse(event.path("created_at").asText());
                metrics.fanOut(Duration.between(created, Instant.now()));
            }
            case "typing", "presence" -> registry.deliver(topic, payload, true);
            default -> registry.deliver(topic, payload, false);
        }
    }

    private void joined(UUID channelId, long userId) {
        memberships.invalidate(userId);
        Thread.ofVirtual().start(() -> registry.connectionsOf(userId)
                .forEach(connection -> registry.listen(connection, FanOut.channelTopic(channelId))));
    }
}
