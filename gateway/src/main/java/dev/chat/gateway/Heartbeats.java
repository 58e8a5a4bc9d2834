package dev.chat.gateway;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Pings every socket at a fixed interval and closes those that have not answered a ping within
 * the pong timeout (dead peers: a phone that lost its network sends no close frame), and those
 * whose token has expired (4001; checked at the same interval, so a socket may outlive its
 * token by up to one interval).
 * Thread-safe: one scheduler thread; writes go through each socket's outbox.
 */
final class Heartbeats implements AutoCloseable {

    /** Close code for a socket whose peer stopped answering pings (RFC 6455 1001 is for going away). */
    static final int PONG_TIMEOUT = 1011;
    /** Close code for a socket whose token expired: reconnect with a fresh token and resume. */
    static final int TOKEN_EXPIRED = 4001;

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("heartbeats").daemon().factory());

    Heartbeats(ConnectionRegistry registry, GatewaySettings settings, GatewayMetrics metrics) {
        long interval = settings.pingInterval().toMillis();
        long timeout = settings.pongTimeout().toMillis();
        scheduler.scheduleAtFixedRate(() -> {
            long now = System.currentTimeMillis();
            for (Connection connection : registry.all()) {
                if (connection.tokenExpiry().toEpochMilli() <= now) {
                    connection.outbox().close(TOKEN_EXPIRED, "token expired; reconnect with a fresh token");
                } else if (now - connection.lastPongMillis() > timeout) {
                    metrics.deadPeer();
                    connection.outbox().close(PONG_TIMEOUT, "no pong within " + timeout + " ms");
                } else {
                    connection.outbox().ping();
                }
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
