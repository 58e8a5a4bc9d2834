package dev.chat.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.channel.ChannelEnvelope;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/channels/{id}/messages} on the real stack: the message is sequenced in the
 * channel's Redis step (members' gateways receive it on the channel's topic), written to Kafka
 * before the 201, and a repeat of its client_id (or Idempotency-Key) answers the same message.
 */
class RestSendIT {

    private static ApiFixture api;
    private static RedisConnection redis;

    @BeforeAll
    static void start() {
        api = new ApiFixture(Map.of());
        redis = RedisConnection.open("test", BackendSettings.create(api.config()));
    }

    @AfterAll
    static void stop() {
        api.close();
        redis.close();
    }

    @Test
    void aRestSendIsSequencedFannedOutDurableAndIdempotent() throws Exception {
        long bot = api.user("reporter");
        long reader = api.user("reader");
        UUID channel = api.channel(bot, List.of(bot, reader));
        LinkedBlockingQueue<String> published = new LinkedBlockingQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(payload));
        try {
            ApiFixture.Response sent = api.call("POST", "/api/v1/channels/" + channel + "/messages", bot,
                    Map.of("content", "build 42 passed", "client_id", "ci-42"));
            assertThat(sent.status()).as(String.valueOf(sent.json())).isEqualTo(201);
            assertThat(sent.json().path("seq").asLong()).isEqualTo(1);
            assertThat(sent.json().path("epoch").asText()).isNotEmpty();
            UUID messageId = UUID.fromString(sent.json().path("message_id").asText());

            ChatMessage fannedOut = (ChatMessage) ChannelEnvelope.decode(published.poll(10, TimeUnit.SECONDS));
            assertThat(fannedOut.messageId()).isEqualTo(messageId);
            assertThat(fannedOut.senderId()).isEqualTo(bot);
            assertThat(fannedOut.content()).isEqualTo("build 42 passed");
            assertThat(kafkaRecordOf(channel, messageId)).as("in Kafka before the 201").isNotNull();

            ApiFixture.Response again = api.call("POST", "/api/v1/channels/" + channel + "/messages", bot,
                    Map.of("content", "build 42 passed", "client_id", "ci-42"));
            assertThat(again.status()).isEqualTo(201);
            assertThat(again.json().path("message_id").asText()).isEqualTo(messageId.toString());
            assertThat(again.json().path("seq").asLong()).isEqualTo(1);
            assertThat(published.poll(500, TimeUnit.MILLISECONDS)).as("a repeat is not published again").isNull();

            HttpResponse<String> keyed = api.send(HttpRequest.newBuilder(api.uri("/api/v1/channels/" + channel + "/messages"))
                    .header("Authorization", "Bearer " + api.tokens().issue(bot, Duration.ofMinutes(5)))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "deploy-7")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"deployed\"}")).build());
            assertThat(keyed.statusCode()).isEqualTo(201);
            JsonNode keyedAnswer = Json.tree(keyed.body());
            HttpResponse<String> reused = api.send(HttpRequest.newBuilder(api.uri("/api/v1/channels/" + channel + "/messages"))
                    .header("Authorization", "Bearer " + api.tokens().issue(bot, Duration.ofMinutes(5)))
                    .header("Content-Type", "application/json").header("Idempotency-Key", "deploy-7")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"rolled back\"}")).build());
            assertThat(reused.statusCode()).as("the same key, another message: " + reused.body()).isEqualTo(422);
            assertThat(Json.tree(reused.body()).path("code").asText()).isEqualTo("idempotency_key_reused");
            assertThat(keyedAnswer.path("client_id").asText()).isEqualTo("deploy-7");
            assertThat(keyedAnswer.path("seq").asLong()).isEqualTo(2);

            JsonNode listed = null;
            for (JsonNode entry : api.call("GET", "/api/v1/channels", reader, null).json().path("channels")) {
                if (entry.path("channel_id").asText().equals(channel.toString())) {
                    listed = entry;
                }
            }
            assertThat(listed).as("the channel in the reader's list").isNotNull();
            assertThat(listed.path("seq").asLong()).as("where it stands, as hello says").isEqualTo(2);
            assertThat(listed.path("epoch").asText()).isEqualTo(sent.json().path("epoch").asText());
        } finally {
            topic.removeListener(listener);
        }
    }

    @Test
    void refusalsAreTheGatewaysErrorsAsStatuses() {
        long owner = api.user("owner");
        long stranger = api.user("stranger");
        UUID channel = api.channel(owner, List.of(owner));
        String path = "/api/v1/channels/" + channel + "/messages";
        assertThat(api.call("POST", path, stranger, Map.of("content", "hi", "client_id", "s1")).status()).isEqualTo(403);
        assertThat(api.call("POST", "/api/v1/channels/" + UUID.randomUUID() + "/messages", owner,
                Map.of("content", "hi", "client_id", "s2")).status()).isEqualTo(404);
        ApiFixture.Response blank = api.call("POST", path, owner, Map.of("content", "  ", "client_id", "s3"));
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().path("field").asText()).isEqualTo("content");
        assertThat(api.call("POST", path, owner, Map.of("content", "x".repeat(4001), "client_id", "s4")).status()).isEqualTo(413);
        ApiFixture.Response noKey = api.call("POST", path, owner, Map.of("content", "hi"));
        assertThat(noKey.status()).isEqualTo(400);
        assertThat(noKey.json().path("field").asText()).isEqualTo("client_id");
        assertThat(api.call("POST", path, owner, Map.of("content", "a\u0000b", "client_id", "s5")).status()).isEqualTo(400);

        long blocker = api.user("blocker");
        ApiFixture.Response direct = api.call("POST", "/api/v1/channels", owner, Map.of("type", "direct", "member_ids", List.of(owner, blocker)));
        UUID dm = UUID.fromString(direct.json().path("channel_id").asText());
        assertThat(api.call("PUT", "/api/v1/blocks/" + owner, blocker, null).status()).isEqualTo(204);
        assertThat(api.call("POST", "/api/v1/channels/" + dm + "/messages", owner, Map.of("content", "hi", "client_id", "s6")).status())
                .as("a direct channel closed by a block").isEqualTo(403);
    }

    /** @return the record of chat-messages holding this message, or null */
    private static ConsumerRecord<String, String> kafkaRecordOf(UUID channel, UUID messageId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BackendSettings.create(api.config()).kafkaBootstrap());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("chat-messages").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            ends.forEach((partition, end) -> consumer.seek(partition, Math.max(0, end - 50)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (channel.toString().equals(record.key()) && record.value().contains(messageId.toString())) {
                        return record;
                    }
                }
            }
            return null;
        }
    }
}
