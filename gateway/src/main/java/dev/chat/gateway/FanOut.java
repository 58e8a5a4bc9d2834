package dev.chat.gateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;

import dev.chat.common.wire.Json;
import dev.chat.common.wire.ServerEvent;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Redis Pub/Sub between gateways. Subscribes only to the topics local sockets need
 * ({@code channel:<id>} for conversations, {@code presence:<user>} for presence watchers, and the
 * cluster-wide {@code memberships}); publishing is the one place every event leaves this gateway.
 * Incoming payloads are handed off Redisson's I/O thread to one dispatcher thread, which keeps
 * their order. Thread-safe.
 */
final class FanOut implements AutoCloseable {

    /** Cluster-wide topic of membership changes (member_joined), which every gateway follows. */
    static final String MEMBERSHIPS = "memberships";

    private final RedissonClient redis;
    private final Map<String, Integer> listeners = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("fanout-dispatch").daemon().factory());
    private volatile BiConsumer<String, String> onMessage = (topic, payload) -> { };

    /**
     * @param redis the client
     */
    FanOut(RedissonClient redis) {
        this.redis = redis;
    }

    /**
     * Sets where incoming events go; called once while wiring, before the first subscription.
     *
     * @param handler receives (topic, payload) on the dispatcher thread, in arrival order
     */
    void onMessage(BiConsumer<String, String> handler) {
        this.onMessage = handler;
    }

    static String channelTopic(java.util.UUID channelId) {
        return "channel:" + channelId;
    }

    static String presenceTopic(long userId) {
        return "presence:" + userId;
    }

    /**
     * Starts listening to a topic (blocking until Redis confirmed the subscription).
     *
     * @param topic topic name
     */
    void subscribe(String topic) {
        listeners.computeIfAbsent(topic, name -> topic(name).addListener(String.class,
                (channel, payload) -> dispatcher.execute(() -> onMessage.accept(name, payload))));
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
     * Publishes an event to every gateway subscribed to the topic (this one included). Does not
     * wait for Redis.
     *
     * @param topic topic name
     * @param event the event
     */
    void publish(String topic, ServerEvent event) {
        topic(topic).publishAsync(Json.encode(event));
    }

    /**
     * Publishes and waits until Redis took the event, so events published one after the other
     * from one thread reach subscribers in that order.
     *
     * @param topic topic name
     * @param event the event
     */
    void publishAndWait(String topic, ServerEvent event) {
        topic(topic).publish(Json.encode(event));
    }

    private RTopic topic(String name) {
        return redis.getTopic(name, StringCodec.INSTANCE);
    }

    @Override
    public void close() {
        listeners.keySet().forEach(this::unsubscribe);
        dispatcher.shutdown();
    }
}
