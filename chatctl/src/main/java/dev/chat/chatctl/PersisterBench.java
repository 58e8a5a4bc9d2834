package dev.chat.chatctl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Drives the persister alone: produces chat messages straight to {@code chat-messages} (as fast
 * as Kafka takes them, spread over channels with contiguous seqs), then follows the persister
 * group's committed offsets until it has stored everything, and reports messages per second and
 * the largest lag seen. Measures the store path without gateways or sockets.
 *
 * @param backends where Kafka is
 * @param group    the persister's consumer group
 */
record PersisterBench(BackendSettings backends, String group) {

    private static final Duration MAX_WAIT = Duration.ofMinutes(3);

    /**
     * @param messages how many messages to produce
     * @param channels over how many channels
     * @return the report
     * @throws Exception if Kafka cannot be reached or the persister does not catch up in time
     */
    Map<String, Object> run(int messages, int channels) throws Exception {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerProps.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        try (Admin admin = Admin.create(adminProps);
             KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                     new StringSerializer())) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(backends.messagesTopic())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(backends.messagesTopic()).partitions().stream()
                    .map(p -> new TopicPartition(backends.messagesTopic(), p.partition())).toList();
            List<UUID> channelIds = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                channelIds.add(UUID.randomUUID());
            }
            TimeUuids ids = new TimeUuids();
            String epoch = "bench" + Long.toString(System.currentTimeMillis(), 36);
            long start = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                UUID channel = channelIds.get(i % channels);
                UUID id = ids.next();
                ChatMessage message = new ChatMessage(channel, id, 1_000_000L + i % 97, "p" + i, "persister bench " + i,
                        "text", TimeUuids.instant(id), i / channels + 1, epoch);
                producer.send(new ProducerRecord<>(backends.messagesTopic(), channel.toString(), Json.encode(message)));
            }
            producer.flush();
            double produceSeconds = (System.nanoTime() - start) / 1e9;
            Map<TopicPartition, Long> ends = new HashMap<>();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            long maxLag = 0;
            long deadline = System.nanoTime() + MAX_WAIT.toNanos();
            long lag;
            do {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                lag = 0;
                for (TopicPartition tp : partitions) {
                    OffsetAndMetadata offset = committed.get(tp);
                    lag += Math.max(0, ends.get(tp) - (offset == null ? 0 : offset.offset()));
                }
                maxLag = Math.max(maxLag, lag);
                if (lag > 0) {
                    Thread.sleep(100);
                }
            } while (lag > 0 && System.nanoTime() < deadline);
            double storeSeconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("mode", "persister");
            report.put("messages", messages);
            report.put("channels", channels);
            report.put("produce_seconds", Math.round(produceSeconds * 100) / 100.0);
            report.put("stored_seconds", Math.round(storeSeconds * 100) / 100.0);
            report.put("stored_per_s", Math.round(messages / storeSeconds));
            report.put("max_lag", maxLag);
            report.put("lag_at_end", lag);
            return report;
        }
    }
}
