package dev.chat.chatctl;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.chat.common.runtime.BackendSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads the persister's dead-letter topic (records it could not store, each with a {@code reason}
 * and {@code source} header) without joining a consumer group, and writes chosen records back to
 * the messages topic. What {@code chatctl dlq} uses.
 */
final class DeadLetterTopic implements AutoCloseable {

    private final BackendSettings backends;
    private final KafkaConsumer<String, String> consumer;

    /**
     * One parked record.
     *
     * @param partition its partition in the dead-letter topic
     * @param offset    its offset there
     * @param parkedAt  when it was parked
     * @param key       its key (the channel)
     * @param value     the record as it was
     * @param reason    why the persister parked it
     * @param source    where it came from (topic/partition@offset)
     */
    record Parked(int partition, long offset, Instant parkedAt, String key, String value, String reason, String source) {
        String id() {
            return partition + "@" + offset;
        }
    }

    DeadLetterTopic(BackendSettings backends) {
        this.backends = backends;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * @param limit most records, the newest
     * @return the newest parked records, oldest of them first
     */
    List<Parked> newest(int limit) {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        consumer.assign(partitions);
        long remaining = 0;
        for (TopicPartition partition : partitions) {
            long from = Math.max(starts.get(partition), ends.get(partition) - limit);
            consumer.seek(partition, from);
            remaining += ends.get(partition) - from;
        }
        List<Parked> found = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (remaining > 0 && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                found.add(parked(record));
                remaining--;
            }
        }
        found.sort(Comparator.comparing(Parked::parkedAt).thenComparing(Parked::partition).thenComparing(Parked::offset));
        return found.size() > limit ? found.subList(found.size() - limit, found.size()) : found;
    }

    /** @return how many records the topic holds (what retention left), over all its partitions */
    long held() {
        List<TopicPartition> partitions = partitions();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
        return partitions.stream().mapToLong(p -> ends.get(p) - starts.get(p)).sum();
    }

    /** @return the record at {@code partition@offset}, if the topic still holds it */
    Optional<Parked> at(int partition, long offset) {
        TopicPartition where = new TopicPartition(backends.deadLetterTopic(), partition);
        if (!partitions().contains(where)) {
            return Optional.empty();
        }
        long start = consumer.beginningOffsets(List.of(where)).get(where);
        long end = consumer.endOffsets(List.of(where)).get(where);
        if (offset < start || offset >= end) {
            return Optional.empty();
        }
        consumer.assign(List.of(where));
        consumer.seek(where, offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                if (record.offset() == offset) {
                    return Optional.of(parked(record));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Writes parked records back to the messages topic, as they were (same key), marked with a
     * {@code replayed-from} header; the persister stores them (idempotently) or parks them again.
     *
     * @return where each went (messages topic partition@offset)
     */
    List<String> replay(List<Parked> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        List<String> written = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (Parked record : records) {
                ProducerRecord<String, String> again = new ProducerRecord<>(backends.messagesTopic(), record.key(), record.value());
                again.headers().add("replayed-from", (backends.deadLetterTopic() + "/" + record.id()).getBytes(StandardCharsets.UTF_8));
                var metadata = producer.send(again).get(10, java.util.concurrent.TimeUnit.SECONDS);
                written.add(metadata.partition() + "@" + metadata.offset());
            }
        }
        return written;
    }

    private List<TopicPartition> partitions() {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(backends.deadLetterTopic(), Duration.ofSeconds(10));
        } catch (RuntimeException e) {
            throw new ChatCtl.Unreachable("cannot reach Kafka at " + backends.kafkaBootstrap()
                    + " (kafka.bootstrap / KAFKA_BOOTSTRAP / --kafka): " + e.getMessage());
        }
        return infos == null ? List.of() : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    private static Parked parked(ConsumerRecord<String, String> record) {
        return new Parked(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(),
                header(record, "reason"), header(record, "source"));
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
