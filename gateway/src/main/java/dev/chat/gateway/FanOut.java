package dev.chat.gateway;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * Incoming payloads are handed off Redisson's I/O thread to one of a few dispatcher threads chosen
 * by topic, so one topic's payloads keep their order while different channels use every core. Each dispatcher queue is bounded: when one is
 * full the payload is dropped and counted, and the clients notice the gap by seq and resume.
 * Thread-safe.
 */
final class FanOut implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FanOut.class.getName());
    private static final int DISPATCH_QUEUE = 10_000;

    private final PubSubTopics topics;
    private final GatewayMetrics metrics;
    private final Map<String, Integer> listeners = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor[] dispatchers;
    private volatile BiConsumer<String, String> onMessage = (topic, payload) -> { };

    /**
     * @param redis   the connection (plain or sharded Pub/Sub)
     * @param metrics counts dropped payloads
     */
    FanOut(RedisConnection redis, GatewayMetrics metrics) {
        this.topics = redis.topics();
        this.metrics = metrics;
        this.dispatchers = new ThreadPoolExecutor[Math.max(2, Runtime.getRuntime().availableProcessors())];
        for (int i = 0; i < dispatchers.length; i++) {
            dispatchers[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(DISPATCH_QUEUE),
                    Thread.ofPlatform().name("fanout-dispatch-" + i).daemon().factory(),
                    new ThreadPoolExecutor.AbortPolicy());
        }
    }

    /**
     * Sets where incoming events go; called once while wiring, before the first subscription.
     *
     * @param handler receives (topic, payload) on a dispatcher thread, in arrival order per topic
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
        ThreadPoolExecutor dispatcher = dispatchers[Math.floorMod(topic.hashCode(), dispatchers.length)];
        // the SUBSCRIBE round trip happens outside any map lock (callers serialize per topic)
        int listener = topic(topic).addListener(String.class, (channel, payload) -> {
            try {
                dispatcher.execute(() -> onMessage.accept(topic, payload));
            } catch (RejectedExecutionException e) {
                metrics.dispatchDropped();
                LOG.log(System.Logger.Level.DEBUG, "dispatcher full: dropped an event of {0}", topic);
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
        for (ThreadPoolExecutor dispatcher : dispatchers) {
            dispatcher.shutdown();
        }
    }
}
