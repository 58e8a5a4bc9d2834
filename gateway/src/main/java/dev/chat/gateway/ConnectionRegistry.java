package dev.chat.gateway;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.chat.common.wire.ChannelEvent;

/**
 * The local sockets: user → sockets (several devices per user) and fan-out topic → sockets. A
 * topic is subscribed in Redis while at least one local socket needs it and unsubscribed when the
 * last one leaves. Thread-safe: changes to one topic are serialized by the topic's own lock (a
 * {@link ReentrantLock}: the Redis SUBSCRIBE it waits for never holds a map lock shared with other
 * topics, and a virtual thread waiting on it releases its carrier); deliveries read without locks.
 */
final class ConnectionRegistry {

    private static final System.Logger LOG = System.getLogger(ConnectionRegistry.class.getName());

    private final FanOut fanOut;
    private final Map<Long, Set<Connection>> byUser = new ConcurrentHashMap<>();
    private final Map<String, Topic> byTopic = new ConcurrentHashMap<>();

    /** One topic's local sockets; retired (and replaced on next use) once unsubscribed. */
    private static final class Topic {
        final ReentrantLock lock = new ReentrantLock();
        final Set<Connection> sockets = ConcurrentHashMap.newKeySet();
        boolean subscribed;
        boolean retired;
    }

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
        while (true) {
            Topic entry = byTopic.computeIfAbsent(topic, name -> new Topic());
            entry.lock.lock();
            try {
                if (entry.retired) {
                    continue; // the last socket left meanwhile: take the topic's next entry
                }
                if (!entry.subscribed) {
                    fanOut.subscribe(topic); // outside any map lock; a failure leaves the entry unsubscribed
                    entry.subscribed = true;
                }
                entry.sockets.add(connection);
                return;
            } finally {
                entry.lock.unlock();
            }
        }
    }

    /**
     * Stops the socket receiving a topic (its user left the channel), unsubscribing in Redis if it
     * was the last local one.
     *
     * @param connection the socket
     * @param topic      the channel's topic
     */
    void unlisten(Connection connection, String topic) {
        connection.topics().remove(topic);
        Topic entry = byTopic.get(topic);
        if (entry == null) {
            return;
        }
        entry.lock.lock();
        try {
            entry.sockets.remove(connection);
            if (entry.sockets.isEmpty() && !entry.retired) {
                entry.retired = true;
                byTopic.remove(topic, entry);
                if (entry.subscribed) {
                    unsubscribe(topic);
                }
            }
        } finally {
            entry.lock.unlock();
        }
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
        for (String topic : List.copyOf(connection.topics())) {
            unlisten(connection, topic);
        }
        return removed;
    }

    private void unsubscribe(String topic) {
        try {
            fanOut.unsubscribe(topic);
        } catch (RuntimeException e) {
            // Redis is away: the subscription goes with the connection (FanOut resubscribes only what it tracks)
            LOG.log(System.Logger.Level.WARNING, "unsubscribing {0} failed: {1}", topic, e.getMessage());
        }
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
        Topic entry = byTopic.get(topic);
        if (entry == null) {
            return 0;
        }
        Set<Connection> sockets = entry.sockets;
        WriterStarts starts = new WriterStarts();
        for (Connection connection : sockets) {
            connection.outbox().send(frame, droppable, starts);
        }
        starts.start();
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
        Topic entry = byTopic.get(topic);
        if (entry == null) {
            return 0;
        }
        Set<Connection> sockets = entry.sockets;
        WriterStarts starts = new WriterStarts();
        for (Connection connection : sockets) {
            connection.deliver(event.channelId(), event.epoch(), event.seq(), frame, starts);
        }
        starts.start();
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

    /** @return how many users have a socket open */
    int users() {
        return byUser.size();
    }

    /** @return how many sockets are open */
    int size() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }
}
