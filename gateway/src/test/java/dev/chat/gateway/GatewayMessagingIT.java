package dev.chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.files.FileStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The messaging path end to end on the real stack: two gateways in this JVM (production wiring),
 * the persister as its own process, real WebSocket clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayMessagingIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TwoGateways stack;
    private Fixtures fixtures;

    /** @return whether the gateways use the Redis Cluster with sharded Pub/Sub ({@code Sharded…IT}) */
    boolean sharded() {
        return false;
    }

    /** @return the running gateways and persister */
    TwoGateways stack() {
        return stack;
    }

    @BeforeAll
    void start() throws Exception {
        stack = TwoGateways.start(sharded() ? "persister-messaging-it-sharded" : "persister-messaging-it", sharded());
        fixtures = stack.fixtures();
    }

    @AfterAll
    void stop() {
        stack.close();
    }

    @Test
    void everyMemberDeviceOnBothGatewaysReceivesEveryMessageOnceInOrder() {
        long alice = fixtures.user("alice");
        long bob = fixtures.user("bob");
        long carol = fixtures.user("carol");
        UUID group = fixtures.channel("group", alice, bob, carol);
        UUID direct = fixtures.channel("direct", alice, bob);
        try (ChatClient alicePhone = ChatClient.connect(stack.a().port(), fixtures.token(alice));
             ChatClient aliceLaptop = ChatClient.connect(stack.b().port(), fixtures.token(alice));
             ChatClient bobPhone = ChatClient.connect(stack.b().port(), fixtures.token(bob));
             ChatClient carolPhone = ChatClient.connect(stack.a().port(), fixtures.token(carol))) {
            int count = 30;
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                UUID channel = i % 3 == 0 ? direct : group;
                String clientId = "c-" + i + "-" + UUID.randomUUID();
                sent.add(clientId);
                alicePhone.send(Map.of("type", "message", "channel_id", channel.toString(), "client_id", clientId,
                        "content", "hello " + i));
            }
            List<JsonNode> acks = alicePhone.awaitCount("ack", count, WAIT);
            // several sends are in flight at once: each gets its ack, in whatever order Kafka confirms them
            assertThat(acks).extracting(a -> a.path("client_id").asText()).containsExactlyInAnyOrderElementsOf(sent);

            List<String> groupIds = sent.stream().filter(id -> sent.indexOf(id) % 3 != 0).toList();
            List<String> directIds = sent.stream().filter(id -> sent.indexOf(id) % 3 == 0).toList();
            for (ChatClient member : List.of(alicePhone, aliceLaptop, bobPhone)) {
                member.awaitCount("message", count, WAIT);
            }
            carolPhone.awaitCount("message", groupIds.size(), WAIT);
            for (ChatClient member : List.of(alicePhone, aliceLaptop, bobPhone, carolPhone)) {
                assertThat(clientIds(member, group)).containsExactlyElementsOf(groupIds);
            }
            for (ChatClient member : List.of(alicePhone, aliceLaptop, bobPhone)) {
                assertThat(clientIds(member, direct)).containsExactlyElementsOf(directIds);
            }
            assertThat(clientIds(carolPhone, direct)).as("carol is not in the direct channel").isEmpty();

            // every acked message_id is stored once, under the same id
            List<String> ackedGroupIds = acks.stream().filter(a -> a.path("channel_id").asText().equals(group.toString()))
                    .map(a -> a.path("message_id").asText()).toList();
            awaitStored(group, ackedGroupIds.size());
            assertThat(fixtures.storedMessageIds(group)).extracting(UUID::toString)
                    .containsExactlyInAnyOrderElementsOf(ackedGroupIds);
        }
    }

    @Test
    void repliesReachEveryGatewayInTheRootsThreadAndAResumeReplaysThem() {
        long alice = fixtures.user("alice");
        long bob = fixtures.user("bob");
        long carol = fixtures.user("carol");
        UUID group = fixtures.channel("group", alice, bob, carol);
        JsonNode root;
        try (ChatClient aliceA = ChatClient.connect(stack.a().port(), fixtures.token(alice));
             ChatClient bobB = ChatClient.connect(stack.b().port(), fixtures.token(bob))) {
            aliceA.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "root", "content", "lunch?"));
            root = bobB.await(f -> "root".equals(f.path("client_id").asText()) && "message".equals(f.path("type").asText()), WAIT);
            String rootId = root.path("message_id").asText();
            bobB.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "r1", "content", "yes",
                    "reply_to", rootId));
            JsonNode reply = aliceA.await(f -> "r1".equals(f.path("client_id").asText()) && "message".equals(f.path("type").asText()), WAIT);
            assertThat(reply.path("reply_to").asText()).as("a reply, seen on the other gateway").isEqualTo(rootId);
            assertThat(root.has("reply_to")).as("a root is no reply").isFalse();
        }
        // carol was away: a reply to bob's reply joins the root's thread, and her resume replays it
        try (ChatClient aliceA = ChatClient.connect(stack.a().port(), fixtures.token(alice))) {
            aliceA.send(Map.of("type", "resume", "channel_id", group.toString(), "epoch", root.path("epoch").asText(),
                    "after_seq", 0));
            List<JsonNode> replayed = aliceA.awaitCount("message", 2, WAIT);
            String replyId = replayed.get(1).path("message_id").asText();
            aliceA.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "r2", "content", "me too",
                    "reply_to", replyId));
            aliceA.await(f -> "ack".equals(f.path("type").asText()) && "r2".equals(f.path("client_id").asText()), WAIT);
        }
        try (ChatClient carolB = ChatClient.connect(stack.b().port(), fixtures.token(carol))) {
            carolB.awaitHello();
            carolB.send(Map.of("type", "resume", "channel_id", group.toString(), "epoch", root.path("epoch").asText(),
                    "after_seq", 0));
            carolB.await(f -> "resumed".equals(f.path("type").asText()), WAIT);
            List<JsonNode> thread = carolB.awaitCount("message", 3, WAIT);
            assertThat(thread).extracting(f -> f.path("client_id").asText()).containsExactly("root", "r1", "r2");
            assertThat(thread.get(2).path("reply_to").asText()).as("a reply to a reply: the root's thread")
                    .isEqualTo(root.path("message_id").asText());
        }
    }

    @Test
    void aMemberOfAThousandChannelsReceivesFromEveryOne() {
        long joiner = fixtures.user("joiner");
        long poster = fixtures.user("poster");
        List<UUID> channels = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            channels.add(fixtures.channel("group", poster, joiner));
        }
        // the gateway follows 1,000 channel topics for one socket: more than Redisson's default
        // subscription pool holds per Redis node (50 connections x 5 subscriptions)
        try (ChatClient reader = ChatClient.connect(stack.a().port(), fixtures.token(joiner));
             ChatClient writer = ChatClient.connect(stack.b().port(), fixtures.token(poster))) {
            reader.awaitHello();
            List<UUID> probed = List.of(channels.getFirst(), channels.get(499), channels.getLast());
            for (UUID channel : probed) {
                writer.send(Map.of("type", "message", "channel_id", channel.toString(), "client_id", "p-" + channel,
                        "content", "hello"));
            }
            assertThat(reader.awaitCount("message", probed.size(), WAIT)).extracting(f -> f.path("channel_id").asText())
                    .containsExactlyInAnyOrderElementsOf(probed.stream().map(UUID::toString).toList());
        }
    }

    @Test
    void sameClientIdSentThreeTimesYieldsOneMessageIdOneDeliveryAndOneRow() {
        long dave = fixtures.user("dave");
        long erin = fixtures.user("erin");
        UUID group = fixtures.channel("group", dave, erin);
        try (ChatClient davePhone = ChatClient.connect(stack.a().port(), fixtures.token(dave));
             ChatClient erinPhone = ChatClient.connect(stack.b().port(), fixtures.token(erin))) {
            Map<String, String> frame = Map.of("type", "message", "channel_id", group.toString(),
                    "client_id", "retry-" + UUID.randomUUID(), "content", "only once");
            for (int i = 0; i < 3; i++) {
                davePhone.send(frame);
            }
            List<JsonNode> acks = davePhone.awaitCount("ack", 3, WAIT);
            assertThat(acks).extracting(a -> a.path("message_id").asText()).containsOnly(acks.getFirst().path("message_id").asText());
            String messageId = acks.getFirst().path("message_id").asText();

            // a marker message sent afterwards proves nothing else is still on its way
            davePhone.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "marker-" + UUID.randomUUID(),
                    "content", "marker"));
            erinPhone.await(f -> "marker".equals(f.path("content").asText()), WAIT);
            assertThat(erinPhone.received("message")).filteredOn(f -> f.path("message_id").asText().equals(messageId))
                    .hasSize(1);
            assertThat(davePhone.received("message")).filteredOn(f -> f.path("message_id").asText().equals(messageId))
                    .hasSize(1);
            awaitStored(group, 2);
            assertThat(fixtures.storedMessageIds(group)).extracting(UUID::toString).containsOnlyOnce(messageId);
        }
    }

    @Test
    void badFramesGetPreciseErrorsAndTheSocketStaysUsable() {
        long frank = fixtures.user("frank");
        long grace = fixtures.user("grace");
        UUID group = fixtures.channel("group", frank);
        UUID notMine = fixtures.channel("group", grace);
        String c = group.toString();
        Map<String, String> badFrames = new java.util.LinkedHashMap<>();
        badFrames.put("{not json", "bad_json");
        badFrames.put("[1,2]", "bad_json");
        badFrames.put("{\"type\":\"shout\"}", "unknown_type");
        badFrames.put("{\"content\":\"x\"}", "unknown_type");
        badFrames.put("{\"type\":\"message\",\"client_id\":\"k1\",\"content\":\"x\"}", "missing_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"nope\",\"client_id\":\"k2\",\"content\":\"x\"}", "invalid_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + c + "\",\"content\":\"x\"}", "missing_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + c + "\",\"client_id\":\"k3\"}", "missing_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + c + "\",\"client_id\":\"k4\",\"content\":\"x\",\"msg_type\":\"video\"}",
                "invalid_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + c + "\",\"client_id\":\"" + "k".repeat(65) + "\",\"content\":\"x\"}",
                "invalid_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + c + "\",\"client_id\":\"k5\",\"content\":\"" + "x".repeat(4001) + "\"}",
                "too_large");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + notMine + "\",\"client_id\":\"k6\",\"content\":\"x\"}",
                "not_member");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + UUID.randomUUID() + "\",\"client_id\":\"k7\",\"content\":\"x\"}",
                "not_member");
        badFrames.put("{\"type\":\"typing_start\",\"channel_id\":\"" + notMine + "\"}", "not_member");
        badFrames.put("{\"type\":\"subscribe_presence\",\"user_ids\":\"all\"}", "invalid_field");
        badFrames.put("{\"type\":\"message\",\"channel_id\":\"" + c + "\",\"client_id\":\"k8\",\"content\":\"" + "y".repeat(20_000) + "\"}",
                "too_large");
        try (ChatClient client = ChatClient.connect(stack.a().port(), fixtures.token(frank))) {
            int expected = 0;
            for (var bad : badFrames.entrySet()) {
                client.sendText(bad.getKey());
                expected++;
                List<JsonNode> errors = client.awaitCount("error", expected, WAIT);
                assertThat(errors.getLast().path("code").asText()).as(bad.getKey()).isEqualTo(bad.getValue());
            }
            client.send(Map.of("type", "message", "channel_id", c, "client_id", "fine-" + UUID.randomUUID(), "content", "still here"));
            client.await(f -> "ack".equals(f.path("type").asText()), WAIT);
            assertThat(client.isClosed()).isFalse();
            assertThat(fixtures.storedMessageIds(notMine)).isEmpty();
        }
    }

    @Test
    void sendIntoChannelOfOthersIsNotMemberWithClientId() {
        long heidi = fixtures.user("heidi");
        UUID others = fixtures.channel("group", fixtures.user("ivan"));
        try (ChatClient client = ChatClient.connect(stack.b().port(), fixtures.token(heidi))) {
            client.send(Map.of("type", "message", "channel_id", others.toString(), "client_id", "k-1", "content", "hi"));
            JsonNode error = client.await(f -> "error".equals(f.path("type").asText()), WAIT);
            assertThat(error.path("code").asText()).isEqualTo("not_member");
            assertThat(error.path("client_id").asText()).isEqualTo("k-1");
        }
    }

    @Test
    void aMessageCarriesAFileOnlyWhenTheFileIsInTheStoreUnderItsChannel() throws Exception {
        long judy = fixtures.user("judy");
        UUID channel = fixtures.channel("group", judy);
        byte[] bytes = "five!".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (FileStore store = FileStore.create(fixtures.config(Map.of())).orElseThrow();
             ChatClient client = ChatClient.connect(stack.a().port(), fixtures.token(judy))) {
            FileStore.Upload upload = store.upload(channel, "text/plain", bytes.length);
            Map<String, Object> attachment = Map.of("file_id", upload.fileId(), "name", "a.txt", "content_type", "text/plain",
                    "size", bytes.length);
            client.send(Map.of("type", "message", "channel_id", channel.toString(), "client_id", "file-1", "content", "a file",
                    "attachment", attachment));
            JsonNode error = client.await(f -> "error".equals(f.path("type").asText()), WAIT);
            assertThat(error.path("code").asText()).isEqualTo("invalid_field");
            assertThat(error.path("client_id").asText()).isEqualTo("file-1");
            assertThat(error.path("message").asText()).contains("names no file uploaded to channel " + channel);

            java.net.http.HttpRequest.Builder put = java.net.http.HttpRequest.newBuilder(upload.url())
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(bytes));
            upload.headers().forEach(put::header);
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                assertThat(http.send(put.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode())
                        .isEqualTo(200);
            }
            client.send(Map.of("type", "message", "channel_id", channel.toString(), "client_id", "file-2", "content", "a file",
                    "attachment", attachment));
            JsonNode ack = client.await(f -> "ack".equals(f.path("type").asText()), WAIT);
            assertThat(ack.path("client_id").asText()).isEqualTo("file-2");
            assertThat(ack.path("seq").asLong()).as("the refused message took no place").isEqualTo(1);
        }
    }

    private static List<String> clientIds(ChatClient client, UUID channel) {
        return client.received("message").stream()
                .filter(m -> m.path("channel_id").asText().equals(channel.toString()))
                .map(m -> m.path("client_id").asText()).toList();
    }

    private void awaitStored(UUID channel, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && fixtures.storedMessageIds(channel).size() < count) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(fixtures.storedMessageIds(channel)).as("rows stored for " + channel).hasSizeGreaterThanOrEqualTo(count);
    }
}
