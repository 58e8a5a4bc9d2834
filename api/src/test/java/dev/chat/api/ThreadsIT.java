package dev.chat.api;

import java.time.Instant;
import java.util.ArrayList;
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
import dev.chat.common.wire.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.client.codec.StringCodec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threads over REST on the real stack: a send with {@code reply_to} is a reply (a reply to a reply
 * joins the same root's thread), history shows a root's {@code reply_count} and
 * {@code last_reply_at}, and {@code GET …/replies} pages a thread in order. Rows are written here
 * as the persister writes them (PersisterIT covers the persister's part).
 */
class ThreadsIT {

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
    void aReplyToAReplyIsSentIntoTheRootsThread() throws Exception {
        long ann = api.user("ann");
        long ben = api.user("ben");
        UUID channel = api.channel(ann, List.of(ann, ben));
        String messages = "/api/v1/channels/" + channel + "/messages";
        LinkedBlockingQueue<String> published = new LinkedBlockingQueue<>();
        var topic = redis.client().getTopic(ChannelKeys.topic(channel), StringCodec.INSTANCE);
        int listener = topic.addListener(String.class, (name, payload) -> published.add(payload));
        try {
            UUID root = sent(api.call("POST", messages, ann, Map.of("content", "lunch?", "client_id", "t-root")));
            UUID reply = sent(api.call("POST", messages, ben, Map.of("content", "yes", "client_id", "t-1", "reply_to", root.toString())));
            sent(api.call("POST", messages, ann, Map.of("content", "12:30", "client_id", "t-2", "reply_to", reply.toString())));
            List<ChatMessage> fanned = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                fanned.add((ChatMessage) ChannelEnvelope.decode(published.poll(10, TimeUnit.SECONDS)));
            }
            assertThat(fanned).extracting(ChatMessage::replyTo).containsExactly(null, root, root);
            ApiFixture.Response bad = api.call("POST", messages, ann, Map.of("content", "x", "client_id", "t-3", "reply_to", "nope"));
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.json().path("field").asText()).isEqualTo("reply_to");
        } finally {
            topic.removeListener(listener);
        }
    }

    @Test
    void historyCountsARootsRepliesAndTheThreadIsPagedInOrder() {
        long ann = api.user("ann");
        long ben = api.user("ben");
        long stranger = api.user("stranger");
        UUID channel = api.channel(ann, List.of(ann, ben));
        UUID root = stored(channel, ann, "the plan", null);
        List<UUID> replies = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            replies.add(stored(channel, i % 2 == 0 ? ben : ann, "reply " + i, root));
        }
        Instant last = Instant.ofEpochMilli(Uuids.unixTimestamp(replies.getLast()));
        cassandra.session().execute("UPDATE messages_by_channel SET reply_count = ?, last_reply_at = ? WHERE channel_id = ?"
                + " AND bucket = ? AND message_id = ?", 250, last, channel, MessageBuckets.of(root), root);

        JsonNode history = api.call("GET", "/api/v1/channels/" + channel + "/messages?limit=10&before_id=" + replies.getFirst(),
                ben, null).json();
        JsonNode rootEntry = null;
        for (JsonNode entry : history.path("messages")) {
            if (entry.path("message_id").asText().equals(root.toString())) {
                rootEntry = entry;
            }
        }
        assertThat(rootEntry).isNotNull();
        assertThat(rootEntry.path("reply_count").asInt()).isEqualTo(250);
        assertThat(Instant.parse(rootEntry.path("last_reply_at").asText())).isEqualTo(last);

        String path = "/api/v1/channels/" + channel + "/messages/" + root + "/replies?limit=100";
        List<String> walked = new ArrayList<>();
        String after = null;
        int pages = 0;
        while (true) {
            JsonNode page = api.call("GET", path + (after == null ? "" : "&after_id=" + after), ben, null).json();
            page.path("messages").forEach(m -> {
                assertThat(m.path("reply_to").asText()).isEqualTo(root.toString());
                walked.add(m.path("message_id").asText());
            });
            pages++;
            if (!page.path("has_more").asBoolean()) {
                break;
            }
            after = walked.getLast();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(walked).containsExactlyElementsOf(replies.stream().map(UUID::toString).toList());
        assertThat(api.call("GET", path, stranger, null).status()).isEqualTo(403);
        assertThat(api.call("GET", "/api/v1/channels/" + channel + "/messages/" + Uuids.timeBased() + "/replies", ben, null)
                .status()).isEqualTo(404);
    }

    private static UUID sent(ApiFixture.Response response) {
        assertThat(response.status()).as(String.valueOf(response.json())).isEqualTo(201);
        return UUID.fromString(response.json().path("message_id").asText());
    }

    /** @return a message as the persister stores it (a reply also in its thread's index) */
    private static UUID stored(UUID channel, long sender, String content, UUID root) {
        UUID id = Uuids.timeBased();
        cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id, client_id,"
                        + " content, msg_type, status, created_at, reply_to) VALUES (?, ?, ?, ?, ?, ?, 'text', 'sent', ?, ?)",
                channel, MessageBuckets.of(id), id, sender, "c-" + id, content, Instant.now(), root);
        if (root != null) {
            cassandra.session().execute("INSERT INTO replies_by_root (channel_id, root_id, message_id) VALUES (?, ?, ?)",
                    channel, root, id);
        }
        return id;
    }
}
