package dev.chat.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.chat.common.channel.ChannelEnvelope;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes of a message are decided in the channel's Redis step, in sequence order, on the real
 * stack with two api instances: a message can be edited, reacted to and deleted right after its
 * send was acknowledged (before the persister stored it), a reaction PUT many times at once from
 * both instances is one event, and an edit that loses the race with a deletion never reaches the
 * members.
 */
class MessageChangesIT {

    private static final Map<String, String> NO_RATE_LIMIT = Map.of("api.ratepersecond", "100000", "api.rateburst", "100000");

    private static ApiFixture api;
    private static ApiFixture otherApi;
    private static RedisConnection redis;

    @BeforeAll
    static void start() {
        api = new ApiFixture(NO_RATE_LIMIT);
        otherApi = new ApiFixture(NO_RATE_LIMIT);
        redis = RedisConnection.open("test", BackendSettings.create(api.config()));
    }

    @AfterAll
    static void stop() {
        api.close();
        otherApi.close();
        redis.close();
    }

    @Test
    void aMessageCanBeEditedReactedToAndDeletedRightAfterItsAck() {
        long writer = api.user("writer");
        long fan = api.user("fan");
        UUID channel = api.channel(writer, List.of(writer, fan));
        for (int i = 0; i < 200; i++) {
            UUID message = send(channel, writer, "tpyo " + i);
            String path = "/api/v1/channels/" + channel + "/messages/" + message;
            ApiFixture either = i % 2 == 0 ? api : otherApi;
            ApiFixture.Response edited = either.call("PATCH", path, writer, Map.of("content", "typo " + i));
            assertThat(edited.status()).as("edit %d: %s", i, edited.json()).isEqualTo(200);
            assertThat(either.call("PUT", path + "/reactions/" + thumbsUp(), fan, null).status()).as("reaction %d", i)
                    .isEqualTo(204);
            assertThat(either.call("DELETE", path, writer, null).status()).as("deletion %d", i).isEqualTo(204);
        }
    }

    @Test
    void aReactionPutTwentyTimesAtOnceFromTwoInstancesIsOneEvent() throws Exception {
        long writer = api.user("writer");
        long fan = api.user("fan");
        UUID channel = api.channel(writer, List.of(writer, fan));
        UUID message = send(channel, writer, "ship it");
        String reaction = "/api/v1/channels/" + channel + "/messages/" + message + "/reactions/" + thumbsUp();
        ConcurrentLinkedQueue<ChannelEvent> published = new ConcurrentLinkedQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(ChannelEnvelope.decode(payload)));
        try {
            List<Integer> statuses = all(20, i -> (i % 2 == 0 ? api : otherApi).call("PUT", reaction, fan, null).status());
            assertThat(statuses).containsOnly(204);
            awaitMarker(channel, writer, published, "after the adds");
            assertThat(published).filteredOn(Reaction.class::isInstance).hasSize(1)
                    .allSatisfy(event -> assertThat(((Reaction) event).action()).isEqualTo(Reaction.ADD));

            List<Integer> removals = all(20, i -> (i % 2 == 0 ? api : otherApi).call("DELETE", reaction, fan, null).status());
            assertThat(removals).containsOnly(204);
            awaitMarker(channel, writer, published, "after the removals");
            assertThat(published).filteredOn(Reaction.class::isInstance).hasSize(2).last()
                    .satisfies(event -> assertThat(((Reaction) event).action()).isEqualTo(Reaction.REMOVE));
        } finally {
            topic.removeListener(listener);
        }
    }

    @Test
    void anEditThatLosesTheRaceWithADeletionNeverReachesTheMembers() throws Exception {
        long writer = api.user("writer");
        UUID channel = api.channel(writer, List.of(writer));
        ConcurrentLinkedQueue<ChannelEvent> published = new ConcurrentLinkedQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(ChannelEnvelope.decode(payload)));
        try {
            List<UUID> messages = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                UUID message = send(channel, writer, "race " + i);
                messages.add(message);
                String path = "/api/v1/channels/" + channel + "/messages/" + message;
                List<Integer> statuses = all(2, which -> which == 0
                        ? api.call("PATCH", path, writer, Map.of("content", "edited " + message)).status()
                        : otherApi.call("DELETE", path, writer, null).status());
                assertThat(statuses.get(0)).as("the edit: done, or refused as deleted").isIn(200, 409);
                assertThat(statuses.get(1)).isEqualTo(204);
            }
            awaitMarker(channel, writer, published, "after the races");
            for (UUID message : messages) {
                List<ChannelEvent> changes = published.stream().filter(event -> event instanceof MessageUpdated edit
                        && edit.messageId().equals(message) || event instanceof MessageDeleted deletion
                        && deletion.messageId().equals(message)).toList();
                assertThat(changes).as("one deletion, last").last().isInstanceOf(MessageDeleted.class);
                assertThat(changes).filteredOn(MessageDeleted.class::isInstance).hasSize(1);
            }
        } finally {
            topic.removeListener(listener);
        }
    }

    /**
     * Sends a marker message and waits until it is published: a channel's events are published in
     * order, so everything the calls before it published has arrived too.
     */
    private static void awaitMarker(UUID channel, long sender, ConcurrentLinkedQueue<ChannelEvent> published, String name) {
        UUID marker = send(channel, sender, "marker " + name);
        org.awaitility.Awaitility.await(name).atMost(java.time.Duration.ofSeconds(10)).until(() -> published.stream()
                .anyMatch(event -> event instanceof dev.chat.common.wire.ChatMessage message && message.messageId().equals(marker)));
    }

    /** @return the message_id of a message sent over REST (acknowledged after Kafka took it) */
    private static UUID send(UUID channel, long sender, String content) {
        ApiFixture.Response sent = api.call("POST", "/api/v1/channels/" + channel + "/messages", sender,
                Map.of("content", content, "client_id", UUID.randomUUID().toString()));
        assertThat(sent.status()).as(String.valueOf(sent.json())).isEqualTo(201);
        return UUID.fromString(sent.json().path("message_id").asText());
    }

    private static String thumbsUp() {
        return URLEncoder.encode("👍", StandardCharsets.UTF_8);
    }

    /** Runs the calls at once (released together) and returns their results in call order. */
    private static <T> List<T> all(int count, java.util.function.IntFunction<T> call) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<T>> calls = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return call.apply(index);
                }, threads));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (CompletableFuture<T> pending : calls) {
                results.add(pending.get(30, TimeUnit.SECONDS));
            }
            return results;
        }
    }
}
