package dev.chat.localstack;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.Redisson;
import org.redisson.api.RBucket;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

import static org.assertj.core.api.Assertions.assertThat;

/** Each backing service of the local stack does a real round trip. */
class LocalStackIT {

    private static StackEndpoints endpoints;

    @BeforeAll
    static void startStack() {
        endpoints = LocalStack.shared().endpoints();
    }

    @Test
    void redisKeepsKeyWithTtlAndDeliversPublishedMessage() throws Exception {
        Config config = new Config();
        config.useSingleServer().setAddress(endpoints.redisAddress());
        RedissonClient redis = Redisson.create(config);
        try {
            String key = "it:" + UUID.randomUUID();
            RBucket<String> bucket = redis.getBucket(key, StringCodec.INSTANCE);
            bucket.set("online", Duration.ofSeconds(30));
            assertThat(bucket.get()).isEqualTo("online");
            assertThat(bucket.remainTimeToLive()).isBetween(1L, 30_000L);

            RTopic topic = redis.getTopic("channel:" + UUID.randomUUID(), StringCodec.INSTANCE);
            CompletableFuture<String> received = new CompletableFuture<>();
            topic.addListener(String.class, (channel, message) -> received.complete(message));
            assertThat(topic.publish("hello")).isEqualTo(1L);
            assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("hello");
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void redisClusterDeliversShardedPublishOnTheNodeOfItsHashTag() throws Exception {
        assertThat(endpoints.redisCluster()).hasSize(3);
        Config config = new Config();
        config.useClusterServers().setNodeAddresses(endpoints.redisCluster());
        RedissonClient redis = Redisson.create(config);
        try {
            String tag = "{" + UUID.randomUUID() + "}";
            redis.getBucket("it:" + tag + ":a", StringCodec.INSTANCE).set("1");
            redis.getBucket("it:" + tag + ":b", StringCodec.INSTANCE).set("2");
            int slot = redis.getKeys().getSlot("it:" + tag + ":a");
            assertThat(redis.getKeys().getSlot("it:" + tag + ":b")).isEqualTo(slot);

            RTopic topic = redis.getShardedTopic("channel:" + tag, StringCodec.INSTANCE);
            CompletableFuture<String> received = new CompletableFuture<>();
            topic.addListener(String.class, (channel, message) -> received.complete(message));
            assertThat(topic.publish("sharded hello")).isEqualTo(1L);
            assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("sharded hello");
        } finally {
            redis.shutdown();
        }
    }

    @Test
    void kafkaDeliversProducedRecordToConsumerGroup() throws Exception {
        String key = UUID.randomUUID().toString();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(StackSettings.MESSAGES_TOPIC, key, "payload-" + key)).get(10, TimeUnit.SECONDS);
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + key);
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(StackSettings.MESSAGES_TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String found = null;
            while (found == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        found = record.value();
                    }
                }
            }
            assertThat(found).isEqualTo("payload-" + key);
            consumer.commitSync();
            assertThat(consumer.assignment()).isNotEmpty();
        }
    }

    @Test
    void cassandraStoresAndReadsMessageInChatKeyspace() {
        try (CqlSession session = CassandraNode.session(
                Integer.parseInt(endpoints.cassandraContactPoint().split(":")[1]))) {
            UUID channel = UUID.randomUUID();
            UUID messageId = Uuids.timeBased();
            session.execute("INSERT INTO chat.messages_by_channel (channel_id, bucket, message_id, sender_id, content)"
                    + " VALUES (?, ?, ?, ?, ?)", channel, 1, messageId, 42L, "hi");
            Row row = session.execute("SELECT sender_id, content FROM chat.messages_by_channel"
                    + " WHERE channel_id = ? AND bucket = ?", channel, 1).one();
            assertThat(row).isNotNull();
            assertThat(row.getLong("sender_id")).isEqualTo(42L);
            assertThat(row.getString("content")).isEqualTo("hi");
        }
    }

    @Test
    void postgresHasMigrationsAppliedAndStoresRows() throws Exception {
        try (Connection db = DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "")) {
            ResultSet applied = db.createStatement().executeQuery(
                    "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank");
            assertThat(applied.next()).isTrue();
            assertThat(applied.getString(1)).isEqualTo("1");

            String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO users (name) VALUES (?) RETURNING id")) {
                insert.setString(1, name);
                ResultSet id = insert.executeQuery();
                assertThat(id.next()).isTrue();
                try (PreparedStatement select = db.prepareStatement("SELECT name FROM users WHERE id = ?")) {
                    select.setLong(1, id.getLong(1));
                    ResultSet row = select.executeQuery();
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).isEqualTo(name);
                }
            }
        }
    }

    @Test
    void serviceEnvironmentNamesEveryBackend() {
        Map<String, String> env = endpoints.serviceEnvironment();
        assertThat(env).containsKeys("REDIS_ADDRESS", "KAFKA_BOOTSTRAP", "CASSANDRA_CONTACTPOINTS", "POSTGRES_URL");
    }
}
