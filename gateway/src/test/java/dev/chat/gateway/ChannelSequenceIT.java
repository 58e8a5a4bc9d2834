package dev.chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import com.datastax.oss.driver.api.core.cql.Row;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.TimeUuids;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-channel seq and epoch on the real stack: two gateways in this JVM, the persister as its own
 * process, real WebSocket clients. One order for everyone, contiguous seq, history in seq order,
 * resume from the recovery log, resync after Redis lost the sequence.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChannelSequenceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private TwoGateways stack;
    private Fixtures fixtures;

    /** @return whether the gateways use the Redis Cluster with sharded Pub/Sub ({@code Sharded…IT}) */
    boolean sharded() {
        return false;
    }

    @BeforeAll
    void start() throws Exception {
        stack = TwoGateways.start(sharded() ? "persister-sequence-it-sharded" : "persister-sequence-it", sharded());
        fixtures = stack.fixtures();
    }

    @AfterAll
    void stop() {
        stack.close();
    }

    @Test
    void concurrentSendersOnTwoGatewaysGiveEveryoneOneOrderWithContiguousSeqAndHistoryInThatOrder() {
        long alice = fixtures.user("alice");
        long bob = fixtures.user("bob");
        long carol = fixtures.user("carol");
        UUID group = fixtures.channel("group", alice, bob, carol);
        int perSender = 60;
        try (ChatClient aliceA = ChatClient.connect(stack.a().port(), fixtures.token(alice));
             ChatClient bobB = ChatClient.connect(stack.b().port(), fixtures.token(bob));
             ChatClient carolA = ChatClient.connect(stack.a().port(), fixtures.token(carol));
             ChatClient carolB = ChatClient.connect(stack.b().port(), fixtures.token(carol))) {
            // both senders at once, neither waiting for its acks: several sends in flight per socket
            CompletableFuture<Void> fromA = CompletableFuture.runAsync(() -> sendMany(aliceA, group, "a", perSender));
            CompletableFuture<Void> fromB = CompletableFuture.runAsync(() -> sendMany(bobB, group, "b", perSender));
            fromA.join();
            fromB.join();
            int total = 2 * perSender;
            assertThat(aliceA.awaitCount("ack", perSender, WAIT)).hasSize(perSender);
            assertThat(bobB.awaitCount("ack", perSender, WAIT)).hasSize(perSender);

            List<List<JsonNode>> streams = new ArrayList<>();
            for (ChatClient client : List.of(aliceA, bobB, carolA, carolB)) {
                streams.add(client.awaitCount("message", total, WAIT));
            }
            List<Long> seqs = streams.getFirst().stream().map(f -> f.path("seq").asLong()).toList();
            assertThat(seqs).as("seq is 1, 2, 3, ... in arrival order")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
            List<String> order = ids(streams.getFirst());
            for (String sender : List.of("a", "b")) {
                assertThat(streams.getFirst().stream().map(f -> f.path("content").asText())
                        .filter(content -> content.startsWith(sender + " ")).toList())
                        .as("one socket's sends take their seqs in the order it sent them")
                        .containsExactlyElementsOf(IntStream.range(0, perSender).mapToObj(i -> sender + " " + i).toList());
            }
            for (List<JsonNode> stream : streams) {
                assertThat(ids(stream)).as("every socket on both gateways sees one order").isEqualTo(order);
                assertThat(stream).extracting(f -> f.path("epoch").asText()).containsOnly(streams.getFirst().getFirst()
                        .path("epoch").asText());
            }
            List<String> byMessageId = order.stream().map(UUID::fromString).sorted(TimeUuids::compare)
                    .map(UUID::toString).toList();
            assertThat(order).as("message_id order equals seq order").isEqualTo(byMessageId);

            List<Row> history = awaitHistory(group, total);
            assertThat(history).extracting(r -> r.getUuid("message_id").toString())
                    .as("history order equals seq order").isEqualTo(order);
            assertThat(history).extracting(r -> r.getLong("seq"))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
        }
    }

    @Test
    void resumeAfterADisconnectReturnsExactlyTheMissedEventsThenResumed() {
        long alice = fixtures.user("alice");
        long bob = fixtures.user("bob");
        UUID group = fixtures.channel("group", alice, bob);
        JsonNode last;
        try (ChatClient alicePhone = ChatClient.connect(stack.a().port(), fixtures.token(alice));
             ChatClient bobB = ChatClient.connect(stack.b().port(), fixtures.token(bob))) {
            JsonNode hello = bobB.await(f -> "hello".equals(f.path("type").asText()), WAIT);
            assertThat(hello.path("channels")).anySatisfy(c -> {
                assertThat(c.path("channel_id").asText()).isEqualTo(group.toString());
                assertThat(c.path("seq").asLong()).isZero();
            });
            sendMany(alicePhone, group, "before", 5);
            last = bobB.awaitCount("message", 5, WAIT).getLast();
        }
        try (ChatClient alicePhone = ChatClient.connect(stack.a().port(), fixtures.token(alice))) {
            sendMany(alicePhone, group, "missed", 7);
            alicePhone.awaitCount("ack", 7, WAIT);
            try (ChatClient bobAgain = ChatClient.connect(stack.b().port(), fixtures.token(bob))) {
                JsonNode hello = bobAgain.await(f -> "hello".equals(f.path("type").asText()), WAIT);
                JsonNode head = channelIn(hello, group);
                assertThat(head.path("seq").asLong()).isEqualTo(12);
                assertThat(head.path("epoch").asText()).isEqualTo(last.path("epoch").asText());
                // others keep sending while bob resumes: the stream stays contiguous, without duplicates. (Sent
                // after the resume: a live event that reaches the socket before its resume is delivered at
                // once, ahead of the replay, and a client de-duplicates it by seq.)
                bobAgain.send(Map.of("type", "resume", "channel_id", group.toString(),
                        "epoch", last.path("epoch").asText(), "after_seq", last.path("seq").asLong()));
                CompletableFuture<Void> live = CompletableFuture.runAsync(() -> sendMany(alicePhone, group, "live", 10));
                live.join();
                bobAgain.await(f -> "resumed".equals(f.path("type").asText()), WAIT);
                List<JsonNode> messages = bobAgain.awaitCount("message", 17, WAIT);
                assertThat(messages).extracting(f -> f.path("seq").asLong())
                        .containsExactlyElementsOf(LongStream.rangeClosed(6, 22).boxed().toList());
                assertThat(messages.subList(0, 7)).extracting(f -> f.path("content").asText())
                        .allMatch(content -> content.startsWith("missed"));
            }
        }
    }

    @Test
    void resumeWithAnEpochRedisNoLongerHasGetsResync() {
        long alice = fixtures.user("alice");
        long bob = fixtures.user("bob");
        UUID group = fixtures.channel("group", alice, bob);
        try (ChatClient alicePhone = ChatClient.connect(stack.a().port(), fixtures.token(alice));
             ChatClient bobB = ChatClient.connect(stack.b().port(), fixtures.token(bob))) {
            sendMany(alicePhone, group, "first", 3);
            JsonNode last = bobB.awaitCount("message", 3, WAIT).getLast();
            try (RedisConnection redis = RedisConnection.open("test", BackendSettings.create(fixtures.config(Map.of())))) {
                redis.client().getKeys().delete(dev.chat.common.channel.ChannelKeys.state(group), dev.chat.common.channel.ChannelKeys.log(group));
            }
            sendMany(alicePhone, group, "second", 1);
            JsonNode next = bobB.awaitCount("message", 4, WAIT).getLast();
            assertThat(next.path("seq").asLong()).as("a new sequence starts at 1").isEqualTo(1);
            assertThat(next.path("epoch").asText()).isNotEqualTo(last.path("epoch").asText());

            bobB.send(Map.of("type", "resume", "channel_id", group.toString(),
                    "epoch", last.path("epoch").asText(), "after_seq", last.path("seq").asLong()));
            JsonNode resync = bobB.await(f -> "resync".equals(f.path("type").asText()), WAIT);
            assertThat(resync.path("epoch").asText()).isEqualTo(next.path("epoch").asText());
            assertThat(resync.path("seq").asLong()).isEqualTo(1);

            bobB.send(Map.of("type", "resume", "channel_id", UUID.randomUUID().toString(), "epoch", "x", "after_seq", 0));
            assertThat(bobB.await(f -> "error".equals(f.path("type").asText()), WAIT).path("code").asText())
                    .isEqualTo("not_member");
        }
    }

    private static void sendMany(ChatClient client, UUID channel, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            client.send(Map.of("type", "message", "channel_id", channel.toString(),
                    "client_id", prefix + "-" + i + "-" + UUID.randomUUID(), "content", prefix + " " + i));
        }
    }

    private static List<String> ids(List<JsonNode> frames) {
        return frames.stream().map(f -> f.path("message_id").asText()).toList();
    }

    private static JsonNode channelIn(JsonNode hello, UUID channel) {
        for (JsonNode head : hello.path("channels")) {
            if (head.path("channel_id").asText().equals(channel.toString())) {
                return head;
            }
        }
        throw new AssertionError("hello has no " + channel + ": " + hello);
    }

    /** @return the channel's stored rows, oldest first, once there are {@code count} */
    private List<Row> awaitHistory(UUID channel, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        List<Row> rows = List.of();
        while (System.nanoTime() < deadline) {
            int bucket = MessageBuckets.of(java.time.Instant.now());
            rows = fixtures.cassandra().execute("SELECT message_id, seq FROM messages_by_channel WHERE channel_id = ?"
                    + " AND bucket IN (?, ?)", channel, bucket - 1, bucket).all();
            if (rows.size() >= count) {
                break;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        assertThat(rows).hasSize(count);
        return rows.stream().sorted(Comparator.comparing((Row r) -> r.getUuid("message_id"), TimeUuids::compare)).toList();
    }
}
