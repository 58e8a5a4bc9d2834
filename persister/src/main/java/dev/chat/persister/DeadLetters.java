package dev.chat.persister;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Parks records the persister cannot store (not a valid chat message) on the dead-letter topic,
 * with the reason and where they came from in headers, so the partition can carry on.
 * Owns its producer. Thread-safe.
 */
final class DeadLetters implements AutoCloseable {

    private final KafkaProducer<String, String> producer;
    private final String topic;

    DeadLetters(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "persister-dlq");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        this.topic = topic;
    }

    /**
     * Writes the record to the dead-letter topic and waits for Kafka's acknowledgement.
     *
     * @param record the unusable record
     * @param reason why it cannot be stored
     * @throws Exception if Kafka does not take it (the batch is retried)
     */
    void park(ConsumerRecord<String, String> record, String reason) throws Exception {
        ProducerRecord<String, String> parked = new ProducerRecord<>(topic, record.key(), record.value());
        parked.headers()
                .add("reason", reason.getBytes(StandardCharsets.UTF_8))
                .add("source", (record.topic() + "/" + record.partition() + "@" + record.offset())
                        .getBytes(StandardCharsets.UTF_8));
        producer.send(parked).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
