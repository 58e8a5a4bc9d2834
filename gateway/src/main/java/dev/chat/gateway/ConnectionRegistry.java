package dev.chat.gateway;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.chat.common.wire.ChannelEvent;

/**
 * The local sockets: user → sockets (several devices per user) and fan-out topic → sockets. A
 * topic is subscribed in Redis while at least one local socket needs it (reference counted by the
 * topic's socket set) and unsubscribed when the last one leaves. Thread-safe: changes to one topic
 * are serialized by the map's per-key compute; deliveries read without locks.
 */
final class ConnectionRegistry {

    private final FanOut fanOut;
    private final Map<Long, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byTopic = new ConcurrentHashMap<>();

    ConnectionRegistry(FanOut fanOut) {
        this.fanOut = fanOut;
    }

    void add(Connection connection) {
        byUser.computeIfAbsent(connection.userId(), id -> ConcurrentHashMap.newKeySet()).add(connection);
    }

    /**
     * Makes the socket receive a topic, subscribing in Redis if it is the first local one.
     *
     * @param connection the socket
     * @param topic      channel:… or presence:…
     */
    void listen(Connection connection, String topic) {
        connection.topics().add(topic);
        byTopic.compute(topic, (name, sockets) -> {
            Set<Connection> set = sockets;
            if (set == null) {
                fanOut.subscribe(name);
                set = ConcurrentHashMap.newKeySet();
            }
            set.add(connection);
            return set;
        });
    }

    /**
     * Forgets a closed socket and unsubscribes topics no local socket needs any more.
     *
     * @param connection the socket
     * @return whether it was registered (false if already removed)
     */
    boolean remove(Connection connection) {
        Set<Connection> devices = byUser.get(connection.userId());
        boolean removed = devices != null && devices.remove(connection);
        if (devices != null && devices.isEmpty()) {
            byUser.remove(connection.userId(), devices);
        }
        for (String topic : connection.topics()) {
            byTopic.computeIfPresent(topic, (name, sockets) -> {
                sockets.remove(connection);
                if (sockets.isEmpty()) {
                    fanOut.unsubscribe(name);
                    return null;
                }
                return sockets;
            });
        }
        return removed;
    }

    /**
     * Queues a frame on every local socket of a topic.
     *
     * @param topic     the topic
     * @param frame     the frame's text
     * @param droppable whether sockets under pressure may drop it
     * @return how many sockets it was queued on
     */
    int deliver(String topic, String frame, boolean droppable) {
        Set<Connection> sockets = byTopic.get(topic);
        if (sockets == null) {
            return 0;
        }
        for (Connection connection : sockets) {
            connection.outbox().send(frame, droppable);
        }
        return sockets.size();
    }

    /**
     * Queues one channel event, encoded once, on every local socket of the channel.
     *
     * @param topic the channel's topic
     * @param event the event
     * @param frame its frame's text
     * @return how many sockets it was queued on
     */
    int deliver(String topic, ChannelEvent event, String frame) {
        Set<Connection> sockets = byTopic.get(topic);
        if (sockets == null) {
            return 0;
        }
        for (Connection connection : sockets) {
            connection.deliver(event.channelId(), event.epoch(), event.seq(), frame);
        }
        return sockets.size();
    }

    /** @return the local sockets of a user */
    Set<Connection> connectionsOf(long userId) {
        return byUser.getOrDefault(userId, Set.of());
    }

    /** @return every local socket */
    List<Connection> all() {
        return byUser.values().stream().flatMap(Set::stream).toList();
    }

    /** @return how many sockets are open */
    int size() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }
}
