package dev.chat.common;

import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The Kafka consumers of {@code chat-messages} (persister, notifier): the settings they share. */
public final class MessageConsumers {

    private MessageConsumers() {
    }

    /**
     * A consumer that commits by hand (after its work is done) and, in a new group, starts from
     * the beginning of the log, so nothing is skipped.
     *
     * @param bootstrap Kafka brokers
     * @param group     the consumer group
     * @param clientId  names the client in Kafka's logs and metrics
     * @param maxBatch  most records per poll
     * @param extra     further consumer settings
     * @return the consumer; the caller owns and closes it
     */
    public static KafkaConsumer<String, String> create(String bootstrap, String group, String clientId, int maxBatch,
                                                       Map<String, Object> extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        props.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        props.putAll(extra);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }
}
