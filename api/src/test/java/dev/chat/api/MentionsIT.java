package dev.chat.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.channel.ChannelEnvelope;
import dev.chat.common.channel.ChannelKeys;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.wire.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mentions on the real stack: {@code @name} is resolved at send to members only, carried on the
 * message ({@code mentions}), counted per member in the channel list until they read past it;
 * {@code @channel} is the owner's (and administrators'), once a minute per channel.
 */
class MentionsIT {

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
    void aNamedMemberIsMentionedCountedUntilReadAndOthersAreNot() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        long owner = api.userNamed("owner-" + suffix);
        long ben = api.userNamed("Ben-" + suffix);
        long cid = api.userNamed("cid-" + suffix);
        api.userNamed("outsider-" + suffix);
        UUID channel = api.channel(owner, List.of(owner, ben, cid));
        LinkedBlockingQueue<String> published = new LinkedBlockingQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(payload));
        try {
            JsonNode sent = send(channel, cid, "@ben-" + suffix + " and @outsider-" + suffix + ", see @channel").json();
            ChatMessage message = next(published);
            assertThat(message.mentions()).as("a member, any case; not a non-member; @channel only for the owner")
                    .containsExactly(ben);
            assertThat(mentionCount(ben, channel)).isEqualTo(1);
            assertThat(mentionCount(owner, channel)).isZero();

            send(channel, cid, "@BEN-" + suffix + " again");
            assertThat(next(published).mentions()).containsExactly(ben);
            assertThat(mentionCount(ben, channel)).isEqualTo(2);
            assertThat(api.call("PUT", "/api/v1/channels/" + channel + "/read", ben,
                    Map.of("last_read_message_id", sent.path("message_id").asText())).status()).isEqualTo(200);
            assertThat(mentionCount(ben, channel)).as("read past the first").isEqualTo(1);

            send(channel, owner, "@channel standup in 5");
            assertThat(next(published).mentions())
                    .containsExactlyInAnyOrder(ben, cid);
            send(channel, owner, "@channel again already");
            assertThat(next(published).mentions())
                    .as("@channel at most once a minute per channel").isEmpty();
        } finally {
            topic.removeListener(listener);
        }
    }

    private static ApiFixture.Response send(UUID channel, long sender, String content) {
        ApiFixture.Response sent = api.call("POST", "/api/v1/channels/" + channel + "/messages", sender,
                Map.of("content", content, "client_id", UUID.randomUUID().toString()));
        assertThat(sent.status()).as(String.valueOf(sent.json())).isEqualTo(201);
        return sent;
    }

    /** @return the next message published on the channel (read receipts and other events skipped) */
    private static ChatMessage next(LinkedBlockingQueue<String> published) throws InterruptedException {
        while (true) {
            String payload = published.poll(10, TimeUnit.SECONDS);
            assertThat(payload).as("a message published").isNotNull();
            if (ChannelEnvelope.is(payload) && ChannelEnvelope.decode(payload) instanceof ChatMessage message) {
                return message;
            }
        }
    }

    private static int mentionCount(long user, UUID channel) {
        for (JsonNode entry : api.call("GET", "/api/v1/channels", user, null).json().path("channels")) {
            if (entry.path("channel_id").asText().equals(channel.toString())) {
                return entry.path("mention_count").asInt();
            }
        }
        throw new AssertionError("channel not listed");
    }
}
