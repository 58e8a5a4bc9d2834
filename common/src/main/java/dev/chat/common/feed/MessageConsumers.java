package dev.chat.common.feed;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Creates the Kafka consumers of {@code chat-messages} (persister, notifier): the settings they share. */
public final class MessageConsumers {

    private MessageConsumers() {
    }

    /**
     * A consumer for a {@link ChannelFeed}.
     *
     * @param bootstrap Kafka brokers
     * @param clientId  names the client in Kafka's logs and metrics
     * @param settings  group, batch size and fetch sizes
     * @param extra     further consumer settings
     * @return the consumer; hand it to a feed, which owns and closes it
     */
    public static KafkaConsumer<String, String> create(String bootstrap, String clientId, FeedSettings settings,
                                                       Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.group());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // the feed commits by hand, after its handler has done the work
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group starts from the beginning of the log, so nothing is skipped
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        // each batch has a fixed cost (queries, a commit): fetch by size and time, not as soon as one record exists
        props.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, settings.fetchMinBytes());
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) settings.fetchMaxWait().toMillis());
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        props.putAll(extra);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * @param consumer a consumer of {@code chat-messages}
     * @return its {@code records-lag-max}: how many records the furthest-behind partition it reads
     *         is behind, over its recent fetches (0 before it knows)
     */
    public static double maxLag(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer) {
        return consumer.metrics().entrySet().stream()
                .filter(e -> e.getKey().name().equals("records-lag-max"))
                .map(e -> e.getValue().metricValue())
                .filter(v -> v instanceof Double d && !d.isNaN())
                .mapToDouble(v -> (Double) v).findFirst().orElse(0);
    }
}
