package dev.chat.gateway;

import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chat.common.TimeUuids;
import dev.chat.common.Tokens;
import dev.chat.common.wire.ClientFrames;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.websocket.WsSession;
import org.redisson.api.RedissonClient;

/**
 * The gateway's real-time core, assembled once: socket registry, Redis fan-out, presence, the send
 * path and heartbeats. Opens and closes connections for {@link ChatSocket}s and closes them all on
 * shutdown (code 1001). Thread-safe.
 */
final class Gateway implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final String instanceId = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean closing;
    private final GatewaySettings settings;
    private final Tokens tokens;
    private final ClientFrames frames;
    private final GatewayMetrics metrics;
    private final FanOut fanOut;
    private final ConnectionRegistry registry;
    private final Memberships memberships;
    private final Presence presence;
    private final SendService sender;
    private final Heartbeats heartbeats;

    private Gateway(GatewaySettings settings, Tokens tokens, GatewayMetrics metrics, FanOut fanOut,
                    ConnectionRegistry registry, Memberships memberships, Presence presence, SendService sender) {
        this.settings = settings;
        this.tokens = tokens;
        this.frames = new ClientFrames(settings.maxContentChars(), settings.maxPresenceUsers());
        this.metrics = metrics;
        this.fanOut = fanOut;
        this.registry = registry;
        this.memberships = memberships;
        this.presence = presence;
        this.sender = sender;
        this.heartbeats = new Heartbeats(registry, settings, metrics);
    }

    static Gateway create(GatewaySettings settings, Tokens tokens, RedissonClient redis, CqlSession cassandra,
                          Memberships memberships, MessageLog log, MeterRegistry meters) {
        GatewayMetrics metrics = new GatewayMetrics(meters);
        FanOut fanOut = new FanOut(redis);
        ConnectionRegistry registry = new ConnectionRegistry(fanOut);
        fanOut.onMessage(new EventRouter(registry, memberships, metrics)::route);
        fanOut.subscribe(FanOut.MEMBERSHIPS);
        metrics.connections(registry::size);
        Presence presence = new Presence(redis, fanOut, settings.presenceTtl());
        SendService sender = new SendService(memberships, new SendLedger(redis, cassandra, settings.dedupeTtl()),
                log, fanOut, new TimeUuids(), metrics);
        return new Gateway(settings, tokens, metrics, fanOut, registry, memberships, presence, sender);
    }

    /**
     * Registers a new socket: its outbox, its channels' topics, its presence.
     *
     * @param session  the socket
     * @param userId   its authenticated user
     * @param onClosed run when the outbox's writer stops
     * @return the connection
     */
    Connection open(WsSession session, long userId, Runnable onClosed) {
        String id = instanceId + "-" + sequence.incrementAndGet();
        Connection connection = new Connection(id, userId,
                new Outbox(session, settings.outboxCapacity(), metrics, id, onClosed));
        if (closing) {
            connection.outbox().close(Outbox.GOING_AWAY, "gateway shutting down");
            return connection;
        }
        registry.add(connection);
        for (UUID channel : memberships.channelsOf(userId)) {
            registry.listen(connection, FanOut.channelTopic(channel));
        }
        presence.connected(connection);
        return connection;
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

    /** Closes every socket with 1001 (going away) and waits up to the shutdown grace for them. */
    void closeAll() {
        closing = true;
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

    @Override
    public void close() {
        heartbeats.close();
        closeAll();
        fanOut.close();
    }

    GatewaySettings settings() {
        return settings;
    }

    Tokens tokens() {
        return tokens;
    }

    ClientFrames frames() {
        return frames;
    }

    GatewayMetrics metrics() {
        return metrics;
    }

    FanOut fanOut() {
        return fanOut;
    }

    ConnectionRegistry registry() {
        return registry;
    }

    Memberships memberships() {
        return memberships;
    }

    Presence presence() {
        return presence;
    }

    SendService sender() {
        return sender;
    }
}
