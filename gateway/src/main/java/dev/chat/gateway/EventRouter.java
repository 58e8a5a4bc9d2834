package dev.chat.gateway;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chat.common.channel.ChannelEnvelope;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.wire.AccessChanged;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Drain;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.Kick;
import dev.chat.common.wire.MemberJoined;
import dev.chat.common.wire.MemberLeft;
import dev.chat.common.wire.PresenceEvent;
import dev.chat.common.wire.ServerEvent;
import dev.chat.common.wire.TypingEvent;

/**
 * Routes what arrives from Redis to local sockets. Channel events (envelopes of the per-channel
 * step) are decoded into their typed event and encoded once for every local socket of the
 * channel; typing and presence go out as droppable frames; membership changes update the cache
 * and the registry (the new member's local sockets start receiving the channel). Runs on a
 * Redisson callback thread and must not block; membership changes, which subscribe in Redis, go to a virtual thread.
 */
final class EventRouter {

    /** Close code for the sockets of a user an operator disconnected ({@code chatctl kick}). */
    static final int KICKED = 4002;


    private static final System.Logger LOG = System.getLogger(EventRouter.class.getName());

    private final ConnectionRegistry registry;
    private final Memberships memberships;
    private final GatewayMetrics metrics;
    private final java.util.function.Consumer<Drain> drains;

    /**
     * @param registry    the local sockets
     * @param memberships the membership cache
     * @param metrics     fan-out latency
     * @param drains      told of every drain request (each gateway acts only on its own name)
     */
    EventRouter(ConnectionRegistry registry, Memberships memberships, GatewayMetrics metrics,
                java.util.function.Consumer<Drain> drains) {
        this.registry = registry;
        this.memberships = memberships;
        this.metrics = metrics;
        this.drains = drains;
    }

    void route(String topic, String payload) {
        if (ChannelEnvelope.is(payload)) {
            channelEvent(topic, payload);
            return;
        }
        ServerEvent event;
        try {
            event = Json.decode(payload, ServerEvent.class);
        } catch (JsonProcessingException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring malformed event on {0}", topic);
            return;
        }
        if (ChannelKeys.MEMBERSHIPS.equals(topic)) {
            if (event instanceof AccessChanged changed) {
                memberships.forget(changed.userId());
            }
            if (event instanceof Kick kick) {
                // an operator's disconnect (chatctl kick): the close reason is at most 123 bytes
                String reason = kick.reason() == null || kick.reason().isBlank() ? "disconnected by an operator" : kick.reason();
                registry.connectionsOf(kick.userId()).forEach(connection -> connection.outbox().close(KICKED,
                        reason.length() > 60 ? reason.substring(0, 60) : reason));
            }
            if (event instanceof Drain drain) {
                drains.accept(drain);
            }
            if (event instanceof MemberLeft left) {
                left(left, payload);
            }
            if (event instanceof MemberJoined joined) {
                joined(joined, payload);
            }
            return;
        }
        boolean droppable = event instanceof TypingEvent || event instanceof PresenceEvent;
        registry.deliver(topic, payload, droppable);
    }

    private void channelEvent(String topic, String envelope) {
        ChannelEvent event;
        try {
            event = ChannelEnvelope.decode(envelope);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring malformed channel event on {0}: {1}", topic, e.getMessage());
            return;
        }
        registry.deliver(topic, event, Json.encode(event));
        if (event instanceof ChatMessage message) {
            metrics.fanOut(Duration.between(message.createdAt(), Instant.now()));
        }
    }

    private void left(MemberLeft left, String payload) {
        memberships.left(left.channelId(), left.userId());
        String topic = ChannelKeys.topic(left.channelId());
        // the former member's sockets stop receiving the channel, then learn it (their client drops the
        // channel): once a socket has member_left, nothing more of the channel reaches it
        Thread.ofVirtual().start(() -> registry.connectionsOf(left.userId()).forEach(connection -> {
            registry.unlisten(connection, topic);
            connection.outbox().send(payload, false);
        }));
    }

    /**
     * The new member's sockets start receiving the channel, then learn about it (their client lists
     * it and asks for the events so far with a resume from seq 0): subscribed first, so whatever
     * the channel publishes after member_joined reaches them.
     */
    private void joined(MemberJoined joined, String payload) {
        memberships.joined(joined.channelId(), joined.userId());
        Thread.ofVirtual().start(() -> registry.connectionsOf(joined.userId()).forEach(connection -> {
            registry.listen(connection, ChannelKeys.topic(joined.channelId()));
            connection.outbox().send(payload, false);
        }));
    }
}
