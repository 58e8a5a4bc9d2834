package dev.chat.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open socket of a user: its id, its outbox, the fan-out topics it receives and when it last
 * answered a ping. Thread-safe: fields are final, concurrent or volatile; the outbox has its own
 * single writer.
 */
final class Connection {

    private final String id;
    private final long userId;
    private final Outbox outbox;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private volatile long lastPongMillis = System.currentTimeMillis();

    Connection(String id, long userId, Outbox outbox) {
        this.id = id;
        this.userId = userId;
        this.outbox = outbox;
    }

    /** @return unique within the cluster: gateway instance id + sequence */
    String id() {
        return id;
    }

    long userId() {
        return userId;
    }

    Outbox outbox() {
        return outbox;
    }

    /** @return the fan-out topics (channel:…, presence:…) this socket receives */
    Set<String> topics() {
        return topics;
    }

    void ponged() {
        lastPongMillis = System.currentTimeMillis();
    }

    long lastPongMillis() {
        return lastPongMillis;
    }

    @Override
    public String toString() {
        return "connection " + id + " of user " + userId;
    }
}
