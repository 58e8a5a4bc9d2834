package dev.chat.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.channel.ChannelEnvelope;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Editing and deleting messages over REST, on the real stack: who may, and that a change takes
 * the channel's next seq and is fanned out like a message. (The persister applying it to history
 * is PersisterIT's; the whole path with a browser is the browser test's.)
 */
class MessageEditsIT {

    private static ApiFixture api;
    private static RedisConnection redis;
    private static CassandraConnection cassandra;

    @BeforeAll
    static void start() {
        api = new ApiFixture(Map.of());
        redis = RedisConnection.open("test", BackendSettings.create(api.config()));
        cassandra = CassandraConnection.open("test", BackendSettings.create(api.config()));
    }

    @AfterAll
    static void stop() {
        api.close();
        redis.close();
        cassandra.close();
    }

    @Test
    void theSenderEditsTheOwnerDeletesAndEachChangeIsSequencedAndFannedOut() throws Exception {
        long owner = api.user("owner");
        long writer = api.user("writer");
        long reader = api.user("reader");
        UUID channel = api.channel(owner, List.of(owner, writer, reader));
        UUID message = stored(channel, writer, "frist post");
        String path = "/api/v1/channels/" + channel + "/messages/" + message;
        LinkedBlockingQueue<String> published = new LinkedBlockingQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(payload));
        try {
            assertThat(api.call("PATCH", path, reader, Map.of("content", "mine now")).status()).as("not the sender").isEqualTo(403);
            assertThat(api.call("PATCH", path, owner, Map.of("content", "owners do not edit")).status()).isEqualTo(403);
            ApiFixture.Response edited = api.call("PATCH", path, writer, Map.of("content", "first post"));
            assertThat(edited.status()).as(String.valueOf(edited.json())).isEqualTo(200);
            assertThat(edited.json().path("content").asText()).isEqualTo("first post");
            long editSeq = edited.json().path("seq").asLong();
            assertThat(editSeq).isPositive();
            ChannelEvent fanned = ChannelEnvelope.decode(published.poll(10, TimeUnit.SECONDS));
            assertThat(fanned).isInstanceOfSatisfying(MessageUpdated.class, update -> {
                assertThat(update.messageId()).isEqualTo(message);
                assertThat(update.content()).isEqualTo("first post");
                assertThat(update.seq()).isEqualTo(editSeq);
            });

            assertThat(api.call("DELETE", path, reader, null).status()).as("neither sender nor owner").isEqualTo(403);
            assertThat(api.call("DELETE", path, owner, null).status()).as("the owner may").isEqualTo(204);
            assertThat(ChannelEnvelope.decode(published.poll(10, TimeUnit.SECONDS))).isInstanceOfSatisfying(MessageDeleted.class,
                    deletion -> {
                        assertThat(deletion.seq()).isEqualTo(editSeq + 1);
                        assertThat(deletion.deletedBy()).isEqualTo(owner);
                    });
        } finally {
            topic.removeListener(listener);
        }
    }

    @Test
    void badEditsAreRefusedWithTheRightStatus() {
        long writer = api.user("writer");
        long stranger = api.user("stranger");
        UUID channel = api.channel(writer, List.of(writer));
        UUID message = stored(channel, writer, "hello");
        String path = "/api/v1/channels/" + channel + "/messages/" + message;
        assertThat(api.call("PATCH", path, writer, Map.of("content", " ")).status()).isEqualTo(400);
        assertThat(api.call("PATCH", path, writer, Map.of()).status()).isEqualTo(400);
        assertThat(api.call("PATCH", path, writer, Map.of("content", "x".repeat(4001))).status()).isEqualTo(413);
        assertThat(api.call("PATCH", path, stranger, Map.of("content", "hi")).status()).isEqualTo(403);
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel + "/messages/" + Uuids.timeBased(), writer,
                Map.of("content", "hi")).status()).as("no such message").isEqualTo(404);
        assertThat(api.call("PATCH", "/api/v1/channels/" + channel + "/messages/not-an-id", writer,
                Map.of("content", "hi")).status()).isEqualTo(404);
        assertThat(api.call("DELETE", "/api/v1/channels/" + UUID.randomUUID() + "/messages/" + message, writer, null).status())
                .isEqualTo(404);
    }

    @Test
    void membersReactOnceEachAndHistoryCountsTheReactions() throws Exception {
        long writer = api.user("writer");
        long fan = api.user("fan");
        long stranger = api.user("stranger");
        UUID channel = api.channel(writer, List.of(writer, fan));
        UUID message = stored(channel, writer, "we shipped");
        String thumbs = "/api/v1/channels/" + channel + "/messages/" + message + "/reactions/"
                + java.net.URLEncoder.encode("👍", java.nio.charset.StandardCharsets.UTF_8);
        LinkedBlockingQueue<String> published = new LinkedBlockingQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(payload));
        try {
            assertThat(api.call("PUT", thumbs, fan, null).status()).isEqualTo(204);
            assertThat(ChannelEnvelope.decode(published.poll(10, TimeUnit.SECONDS))).isInstanceOfSatisfying(
                    dev.chat.common.wire.Reaction.class, reaction -> {
                        assertThat(reaction.emoji()).isEqualTo("👍");
                        assertThat(reaction.action()).isEqualTo("add");
                        assertThat(reaction.userId()).isEqualTo(fan);
                        assertThat(reaction.seq()).isPositive();
                    });
        } finally {
            topic.removeListener(listener);
        }
        // the persister stores it as this row; once it is there, adding again changes nothing
        react(channel, message, "👍", fan);
        react(channel, message, "🎉", writer);
        react(channel, message, "👍", writer);
        assertThat(api.call("PUT", thumbs, fan, null).status()).isEqualTo(204);
        assertThat(published.poll(1, TimeUnit.SECONDS)).as("an existing reaction takes no seq").isNull();

        JsonNode reactions = api.call("GET", "/api/v1/channels/" + channel + "/messages", fan, null).json()
                .path("messages").get(0).path("reactions");
        assertThat(reactions.toString()).contains("\"emoji\":\"👍\",\"count\":2,\"me\":true")
                .contains("\"emoji\":\"🎉\",\"count\":1,\"me\":false");

        assertThat(api.call("PUT", thumbs, stranger, null).status()).isEqualTo(403);
        String path = "/api/v1/channels/" + channel + "/messages/" + message + "/reactions/";
        assertThat(api.call("PUT", path + "ok", fan, null).status()).as("not an emoji").isEqualTo(400);
        assertThat(api.call("PUT", path + java.net.URLEncoder.encode("👍👍", java.nio.charset.StandardCharsets.UTF_8), fan, null)
                .status()).as("two emoji").isEqualTo(400);
        String[] many = {"😀", "😁", "😂", "🤣", "😃", "😄", "😅", "😆", "😉", "😊", "😋", "😎", "😍", "😘", "🥰", "😗", "😙", "😚"}; // with 👍 and 🎉: 20
        // the step in Redis counts the different emoji: these go through the api
        for (String emoji : java.util.stream.Stream.concat(java.util.stream.Stream.of("🎉"), java.util.Arrays.stream(many)).toList()) {
            assertThat(api.call("PUT", path + java.net.URLEncoder.encode(emoji, java.nio.charset.StandardCharsets.UTF_8), writer,
                    null).status()).isEqualTo(204);
        }
        assertThat(api.call("PUT", path + java.net.URLEncoder.encode("🦄", java.nio.charset.StandardCharsets.UTF_8), fan, null)
                .status()).as("past 20 different emoji").isEqualTo(409);
    }

    private static void react(UUID channel, UUID message, String emoji, long user) {
        cassandra.session().execute("INSERT INTO reactions (channel_id, bucket, message_id, emoji, user_id) VALUES (?, ?, ?, ?, ?)",
                channel, MessageBuckets.of(message), message, emoji, user);
    }

    /** @return a message as the persister would have stored it */
    private static UUID stored(UUID channel, long sender, String content) {
        UUID id = Uuids.timeBased();
        cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id, client_id,"
                        + " content, msg_type, status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'text', 'sent', ?)",
                channel, MessageBuckets.of(id), id, sender, "c-" + id, content, Instant.now());
        return id;
    }
}
