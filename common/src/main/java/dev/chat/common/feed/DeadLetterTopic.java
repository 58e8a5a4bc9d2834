package dev.chat.common.feed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The dead-letter topic: a parked record keeps its key and value, with the reason and where it
 * came from ({@code topic/partition@offset}) in headers. Owns its producer. Thread-safe.
 */
public final class DeadLetterTopic implements DeadLetterSink, AutoCloseable {

    private static final long SEND_TIMEOUT_SECONDS = 10;

    private final Producer<String, String> producer;
    private final String topic;

    /**
     * @param producer the producer it owns and closes
     * @param topic    the dead-letter topic
     */
    public DeadLetterTopic(Producer<String, String> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    /**
     * @param bootstrap Kafka brokers
     * @param clientId  names the producer in Kafka's logs
     * @param topic     the dead-letter topic
     * @return a dead-letter topic with its own idempotent producer that waits for all replicas
     */
    public static DeadLetterTopic create(String bootstrap, String clientId, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // a parked record is the only copy the stream keeps once its offset is committed
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new DeadLetterTopic(new KafkaProducer<>(props, new StringSerializer(), new StringSerializer()), topic);
    }

    /** Writes the record to the dead-letter topic and waits for Kafka's acknowledgement. */
    @Override
    public void park(DeadLetter letter) throws Exception {
        ConsumerRecord<String, String> record = letter.record();
        ProducerRecord<String, String> parked = new ProducerRecord<>(topic, record.key(), record.value());
        parked.headers()
                .add("reason", letter.reason().getBytes(StandardCharsets.UTF_8))
                .add("source", (record.topic() + "/" + record.partition() + "@" + record.offset())
                        .getBytes(StandardCharsets.UTF_8));
        producer.send(parked).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
