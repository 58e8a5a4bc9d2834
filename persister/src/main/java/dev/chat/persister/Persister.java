package dev.chat.persister;

import java.util.Map;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.chat.common.feed.ChannelFeed;
import dev.chat.common.feed.DeadLetterTopic;
import dev.chat.common.feed.MessageConsumers;
import dev.chat.common.runtime.ReadinessCheck;
import io.helidon.health.HealthCheck;
import io.helidon.metrics.api.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The persister assembled: the chat-messages feed with its store handler and the dead-letter
 * topic, started and closed together. Thread-safe.
 */
final class Persister implements AutoCloseable {

    private final DeadLetterTopic deadLetters;
    private final ChannelFeed feed;

    private Persister(DeadLetterTopic deadLetters, ChannelFeed feed) {
        this.deadLetters = deadLetters;
        this.feed = feed;
    }

    /**
     * @param settings  consumer settings
     * @param cassandra session in the chat keyspace
     * @param meters    metrics registry
     * @param onFatal   what to do when the feed stops on a fatal error (exit non-zero in production)
     * @return the running persister
     */
    static Persister start(PersisterSettings settings, CqlSession cassandra, MeterRegistry meters, Runnable onFatal) {
        PersisterMetrics metrics = new PersisterMetrics(meters);
        MessageStore store = new MessageStore(cassandra, settings.partitionsPerRequest());
        // the persister's group owns the dead-letter topic (the notifier skips poison)
        DeadLetterTopic deadLetters = DeadLetterTopic.create(settings.bootstrap(), "persister-dlq", settings.deadLetterTopic());
        KafkaConsumer<String, String> consumer;
        try {
            consumer = MessageConsumers.create(settings.bootstrap(), "persister", settings.feed(), Map.of(
                    // a crashed persister's partitions move to the others after this long without heartbeats
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, settings.sessionTimeoutMillis(),
                    ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.max(500, settings.sessionTimeoutMillis() / 4)));
        } catch (RuntimeException e) {
            deadLetters.close();
            throw e;
        }
        metrics.lag(() -> MessageConsumers.maxLag(consumer));
        ChannelFeed feed = new ChannelFeed("persister", consumer, settings.feed(),
                new PersistHandler(store, metrics), deadLetters, metrics, onFatal);
        feed.start();
        return new Persister(deadLetters, feed);
    }

    /** @return readiness: down once the feed has stopped */
    HealthCheck health() {
        return new ReadinessCheck("persist-loop", feed::running);
    }

    @Override
    public void close() {
        feed.close();
        deadLetters.close();
    }
}
