package dev.chat.gateway;

import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.channel.RedisChannelSequencer;
import dev.chat.common.wire.Hello;
import dev.chat.common.wire.Json;

/**
 * Opens and closes sockets: the outbox, the registry entry and the channels' topics, presence,
 * and the {@code hello} with each channel's current position; on shutdown closes them all with
 * 1001 (going away). Thread-safe.
 */
final class Sessions {

    private static final System.Logger LOG = System.getLogger(Sessions.class.getName());
    private static final long HEARTBEAT_MS = 15_000;
    /** Close code when a socket cannot be set up now (RFC 6455 registry: 1013 Try Again Later). */
    static final int TRY_AGAIN_LATER = 1013;

    private final String instanceId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong sequence = new AtomicLong();
    private final GatewaySettings settings;
    private final GatewayMetrics metrics;
    private final ConnectionRegistry registry;
    private final Memberships memberships;
    private final Presence presence;
    private final RedisChannelSequencer channels;
    /** Set once the gateway takes no new sockets: how a socket that still arrives is closed. */
    private volatile Refusal refusal;

    private record Refusal(int code, String reason) {
    }

    Sessions(GatewaySettings settings, GatewayMetrics metrics, ConnectionRegistry registry, Memberships memberships,
             Presence presence, RedisChannelSequencer channels) {
        this.settings = settings;
        this.metrics = metrics;
        this.registry = registry;
        this.memberships = memberships;
        this.presence = presence;
        this.channels = channels;
    }

    /**
     * Registers a new socket: its outbox, its channels' topics, its presence, then says hello.
     * The topics are subscribed before the positions are read, so every event after a position
     * in {@code hello} reaches the socket.
     *
     * @param session  the socket
     * @param bearer   its authenticated user and when the token expires
     * @param onClosed run when the outbox's writer stops
     * @return the connection
     */
    Connection open(io.helidon.websocket.WsSession session, dev.chat.common.auth.Tokens.Bearer bearer, Runnable onClosed) {
        String id = instanceId + "-" + sequence.incrementAndGet();
        long userId = bearer.userId();
        Connection connection = new Connection(id, userId, bearer.expiresAt(), bearer.tokenId(),
                new Outbox(session, settings.outboxCapacity(), settings.outboxMaxChars(), metrics, id, onClosed), settings.outboxCapacity());
        Refusal refused = refusal;
        if (refused != null) {
            connection.outbox().close(refused.code(), refused.reason());
            return connection;
        }
        registry.add(connection);
        try {
            Set<UUID> mine = memberships.channelsOf(userId);
            for (UUID channel : mine) {
                registry.listen(connection, ChannelKeys.topic(channel));
            }
            presence.connected(connection);
            connection.outbox().send(Json.encode(new Hello(userId, heads(mine, userId), HEARTBEAT_MS)), false);
        } catch (RuntimeException e) {
            // PostgreSQL or Redis failed half-way: undo what was set up and let the client come back
            LOG.log(System.Logger.Level.WARNING, "cannot open a socket for user {0}: {1}", userId, e.getMessage());
            registry.remove(connection);
            connection.outbox().close(TRY_AGAIN_LATER, "the gateway cannot reach its backing services; reconnect later");
        }
        return connection;
    }

    /** The channels' positions; none while Redis cannot say (clients then keep what they have). */
    private List<Hello.ChannelHead> heads(Set<UUID> mine, long userId) {
        try {
            return channels.heads(mine, userId);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "hello without positions: {0}", e.getMessage());
            return List.of();
        }
    }

    /**
     * Forgets a closed socket (idempotent): registry, Redis topics, presence.
     *
     * @param connection the socket
     */
    void close(Connection connection) {
        if (registry.remove(connection)) {
            connection.outbox().stop();
            try {
                presence.disconnected(connection);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "presence update failed for {0}: {1}", connection, e.getMessage());
            }
        }
    }

    /**
     * @param userId a user
     * @return how many sockets the user has open on this gateway
     */
    int socketsOf(long userId) {
        return registry.connectionsOf(userId).size();
    }

    /**
     * Closes the sockets opened with an API token that was just revoked (4001, as for an expired token).
     *
     * @param tokenId the revoked token
     */
    void tokenRevoked(String tokenId) {
        for (Connection connection : registry.all()) {
            if (tokenId.equals(connection.tokenId())) {
                connection.outbox().close(Heartbeats.TOKEN_EXPIRED, "token revoked");
            }
        }
    }

    /** Close code for the sockets of a deactivated user: do not reconnect. */
    static final int DEACTIVATED = 4003;

    /**
     * Closes every socket of a user who was just deactivated (4003).
     *
     * @param userId the user
     */
    void userDeactivated(long userId) {
        registry.connectionsOf(userId).forEach(connection -> connection.outbox().close(DEACTIVATED, "account deactivated"));
    }

    /** @return this gateway process's id, the prefix of its sockets' ids (in presence) */
    String instanceId() {
        return instanceId;
    }

    /** @return every open socket */
    List<Connection> all() {
        return registry.all();
    }

    /**
     * From now on, a new socket is closed at once with this code (a drain: 1012).
     *
     * @param code   close code
     * @param reason close reason
     */
    void refuseNew(int code, String reason) {
        refusal = new Refusal(code, reason);
    }

    /** Closes every socket with 1001 (going away) and waits up to the shutdown grace for them. */
    void closeAll() {
        refuseNew(Outbox.GOING_AWAY, "gateway shutting down");
        List<Connection> all = registry.all();
        LOG.log(System.Logger.Level.INFO, "gateway: closing {0} sockets (1001)", all.size());
        all.forEach(c -> c.outbox().close(Outbox.GOING_AWAY, "gateway shutting down"));
        long deadline = System.currentTimeMillis() + settings.shutdownGrace().toMillis();
        for (Connection connection : all) {
            try {
                connection.outbox().awaitClosed(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
