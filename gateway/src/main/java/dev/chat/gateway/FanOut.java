package dev.chat.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

import dev.chat.common.runtime.PubSubTopics;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.ServerEvent;
import org.redisson.api.RTopic;

/**
 * Redis Pub/Sub between gateways. Subscribes only to the topics local sockets need (a channel's
 * topic, {@code presence:<user>} for presence watchers, and the cluster-wide memberships topic).
 * Channel events are published by the per-channel step in Redis ({@code RedisChannelSequencer},
 * which {@code ChannelWriter} calls); this class publishes the ephemeral ones (typing, presence).
 * Incoming payloads are routed on the Redis I/O thread that read them ({@code RedisConnection}
 * gives Redisson an executor that runs listeners in place), in the order of their connection.
 * Routing only queues frames on sockets and never blocks: a listener that blocked would stall
 * every topic of that connection. Thread-safe.
 */
final class FanOut implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());

    private final PubSubTopics topics;
    private final Map<String, Integer> listeners = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, String> onMessage = (topic, payload) -> { };

    /**
     * @param redis the connection (plain or sharded Pub/Sub)
     */
    FanOut(RedisConnection redis) {
        this.topics = redis.topics();
    }

    /**
     * Sets where incoming events go; called once while wiring, before the first subscription.
     *
     * @param handler receives (topic, payload) on a Redisson callback thread, in arrival order per
     *                topic; it must not block
     */
    void onMessage(BiConsumer<String, String> handler) {
        this.onMessage = handler;
    }

    /**
     * Starts listening to a topic (blocking until Redis confirmed the subscription).
     *
     * @param topic topic name
     */
    void subscribe(String topic) {
        if (listeners.containsKey(topic)) {
            return;
        }
        // the SUBSCRIBE round trip happens outside any map lock (callers serialize per topic)
        int listener = topic(topic).addListener(String.class, (channel, payload) -> {
            try {
                onMessage.accept(topic, payload);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "routing an event of {0} failed: {1}", topic, e.toString());
            }
        });
        if (listeners.putIfAbsent(topic, listener) != null) {
            topic(topic).removeListener(listener); // subscribed twice concurrently: keep one listener
        }
    }

    /**
     * Stops listening to a topic.
     *
     * @param topic topic name
     */
    void unsubscribe(String topic) {
        Integer listener = listeners.remove(topic);
        if (listener != null) {
            topic(topic).removeListener(listener);
        }
    }

    /** @return how many topics this gateway is subscribed to */
    int subscriptions() {
        return listeners.size();
    }

    /**
     * Publishes an ephemeral event to every gateway subscribed to the topic (this one included).
     * Waits for Redis: asynchronous publishes may travel on different pooled connections and
     * overtake each other, and a {@code stop} that arrives before its {@code start} would leave a
     * typing indicator on. Callers publish at most a few per second per socket.
     *
     * @param topic topic name
     * @param event the event
     */
    void publish(String topic, ServerEvent event) {
        topic(topic).publish(Json.encode(event));
    }

    private RTopic topic(String name) {
        return topics.topic(name);
    }

    @Override
    public void close() {
        listeners.keySet().forEach(this::unsubscribe);
    }
}
