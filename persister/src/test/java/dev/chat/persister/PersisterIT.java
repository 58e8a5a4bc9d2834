package dev.chat.persister;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.cql.Row;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackSettings;
import io.helidon.config.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The persister, started as in production, against records written straight to Kafka. */
class PersisterIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Config config;
    private static ServiceRuntime persister;
    /** Set when the persister's loop stops on a fatal error (in production the process exits). */
    private static final java.util.concurrent.atomic.AtomicBoolean FATAL = new java.util.concurrent.atomic.AtomicBoolean();
    private static CassandraConnection cassandra;
    private static KafkaProducer<String, String> producer;
    private static final java.util.concurrent.atomic.AtomicLong SEQ = new java.util.concurrent.atomic.AtomicLong();
    private static final TimeUuids IDS = new TimeUuids();

    @BeforeAll
    static void start() {
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().endpoints().serviceConfig());
        overrides.put("server.port", "0");
        config = ServiceConfig.load(overrides);
        BackendSettings backends = BackendSettings.create(config);
        cassandra = CassandraConnection.open("test", backends);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, backends.kafkaBootstrap());
        producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        persister = PersisterMain.start(config, () -> FATAL.set(true));
    }

    @AfterAll
    static void stop() {
        persister.close();
        producer.close();
        cassandra.close();
    }

    @Test
    void repliesJoinTheirRootsThreadAndTheRootCountsThem() throws Exception {
        UUID channel = UUID.randomUUID();
        ChatMessage root = message(channel, 7L, "root", "lunch?");
        produce(channel.toString(), Json.encode(root));
        awaitRows(channel, 1); // stored in an earlier batch: the next replies' root is read from Cassandra
        ChatMessage reply = message(channel, 8L, "r1", "yes").replyingTo(root.messageId());
        ChatMessage replyToReply = message(channel, 9L, "r2", "me too").replyingTo(reply.messageId());
        ChatMessage toNothing = message(channel, 9L, "r3", "what?").replyingTo(IDS.next());
        for (ChatMessage m : List.of(reply, replyToReply, toNothing)) {
            produce(channel.toString(), Json.encode(m));
        }
        awaitRows(channel, 4);
        ChatMessage later = message(channel, 7L, "r4", "12:30").replyingTo(replyToReply.messageId());
        produce(channel.toString(), Json.encode(later));
        awaitRows(channel, 5);

        java.util.Map<UUID, Row> byId = new java.util.HashMap<>();
        rows(channel).forEach(row -> byId.put(row.getUuid("message_id"), row));
        assertThat(byId.get(reply.messageId()).getUuid("reply_to")).isEqualTo(root.messageId());
        assertThat(byId.get(replyToReply.messageId()).getUuid("reply_to")).as("a reply to a reply joins the root")
                .isEqualTo(root.messageId());
        assertThat(byId.get(later.messageId()).getUuid("reply_to")).isEqualTo(root.messageId());
        assertThat(byId.get(toNothing.messageId()).isNull("reply_to")).as("a reply to no message of the channel").isTrue();
        assertThat(cassandra.session().execute("SELECT message_id FROM replies_by_root WHERE channel_id = ? AND root_id = ?",
                channel, root.messageId()).all()).extracting(r -> r.getUuid("message_id"))
                .containsExactly(reply.messageId(), replyToReply.messageId(), later.messageId());
        await().atMost(WAIT).untilAsserted(() -> {
            Row counted = rows(channel).stream().filter(r -> r.getUuid("message_id").equals(root.messageId())).findFirst()
                    .orElseThrow();
            assertThat(counted.getInt("reply_count")).isEqualTo(3);
            assertThat(counted.getInstant("last_reply_at")).isEqualTo(TimeUuids.instant(later.messageId()));
        });
    }

    @Test
    void redeliveredMessageAndSecondIdForTheSameSendAreStoredOnce() throws Exception {
        UUID channel = UUID.randomUUID();
        ChatMessage first = message(channel, 7L, "send-1", "hello");
        ChatMessage secondIdSameSend = new ChatMessage(channel, IDS.next(), 7L, "send-1", "hello", "text", Instant.now(),
                SEQ.incrementAndGet(), "e2");
        ChatMessage other = message(channel, 7L, "send-2", "world").with(new dev.chat.common.wire.Attachment(UUID.randomUUID(),
                "world.png", "image/png", 1234, 640, 480));
        ChatMessage marker = message(channel, 7L, "marker", "after everything else");
        for (ChatMessage m : List.of(first, first, secondIdSameSend, other, first, marker)) {
            produce(channel.toString(), Json.encode(m));
        }
        // one key, one partition, consumed in order: once the marker is stored, everything before it was handled
        awaitRows(channel, 3);
        List<Row> rows = rows(channel);
        assertThat(rows).extracting(r -> r.getUuid("message_id"))
                .containsExactlyInAnyOrder(first.messageId(), other.messageId(), marker.messageId());
        Row stored = rows.stream().filter(r -> r.getUuid("message_id").equals(first.messageId())).findFirst().orElseThrow();
        assertThat(stored.getLong("sender_id")).isEqualTo(7L);
        assertThat(stored.getString("client_id")).isEqualTo("send-1");
        assertThat(stored.getString("content")).isEqualTo("hello");
        assertThat(stored.getString("msg_type")).isEqualTo("text");
        assertThat(stored.getInstant("created_at")).isNotNull();
        assertThat(stored.getLong("seq")).isEqualTo(first.seq());
        assertThat(stored.getString("epoch")).isEqualTo("e1");
        Row withFile = rows.stream().filter(r -> r.getUuid("message_id").equals(other.messageId())).findFirst().orElseThrow();
        assertThat(Json.decode(withFile.getString("attachment"), dev.chat.common.wire.Attachment.class)).isEqualTo(other.attachment());
    }

    /**
     * One claims query searches several channels for several sends: a claim found in one channel
     * must not make another channel's send a duplicate, even with the same sender and client_id.
     */
    @Test
    void claimsReadForManyChannelsAtOnceKeepEachChannelsSendsApart() throws Exception {
        List<UUID> channels = java.util.stream.IntStream.range(0, 30).mapToObj(i -> UUID.randomUUID()).toList();
        Map<UUID, List<UUID>> expected = new HashMap<>();
        List<ChatMessage> secondIds = new ArrayList<>();
        for (int i = 0; i < channels.size(); i++) {
            UUID channel = channels.get(i);
            // every channel: the same sender and client_id ("send-1"), and a client_id of its own
            ChatMessage common = message(channel, 7L, "send-1", "hello");
            ChatMessage own = message(channel, 7L, "own-" + i, "mine");
            expected.put(channel, new ArrayList<>(List.of(common.messageId(), own.messageId())));
            produce(channel.toString(), Json.encode(common));
            produce(channel.toString(), Json.encode(own));
        }
        for (UUID channel : channels) {
            awaitRows(channel, 2);
        }
        for (int i = 0; i < channels.size(); i++) {
            UUID channel = channels.get(i);
            // a second message_id for the channel's "send-1" (Redis forgot it): a duplicate, found by its claim
            ChatMessage again = message(channel, 7L, "send-1", "hello");
            secondIds.add(again);
            // the next channel's own client_id, new in this channel: stored
            ChatMessage neighbours = message(channel, 7L, "own-" + (i + 1) % channels.size(), "not a duplicate here");
            expected.get(channel).add(neighbours.messageId());
            produce(channel.toString(), Json.encode(again));
            produce(channel.toString(), Json.encode(neighbours));
        }
        for (UUID channel : channels) {
            awaitRows(channel, 3);
        }
        for (UUID channel : channels) {
            assertThat(rows(channel)).as("channel %s", channel).extracting(r -> r.getUuid("message_id"))
                    .containsExactlyInAnyOrderElementsOf(expected.get(channel));
        }
        assertThat(secondIds).allSatisfy(again -> assertThat(rows(again.channelId()))
                .extracting(r -> r.getUuid("message_id")).doesNotContain(again.messageId()));
    }

    @Test
    void editsAndDeletionsApplyInLogOrderAndDeletedContentNeverComesBack() throws Exception {
        UUID channel = UUID.randomUUID();
        ChatMessage first = message(channel, 7L, "e-1", "hello");
        ChatMessage second = message(channel, 8L, "e-2", "world");
        Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS); // Cassandra keeps milliseconds
        var edit = new dev.chat.common.wire.MessageUpdated(channel, first.messageId(), 7L, "hello, edited", t.plusMillis(10),
                SEQ.incrementAndGet(), "e1");
        var deletion = new dev.chat.common.wire.MessageDeleted(channel, first.messageId(), 7L, t.plusMillis(20),
                SEQ.incrementAndGet(), "e1");
        var lateEdit = new dev.chat.common.wire.MessageUpdated(channel, first.messageId(), 7L, "back from the dead?",
                t.plusMillis(30), SEQ.incrementAndGet(), "e1");
        var secondEdit = new dev.chat.common.wire.MessageUpdated(channel, second.messageId(), 8L, "world, v2", t.plusMillis(40),
                SEQ.incrementAndGet(), "e1");
        // the first message comes again after its deletion, as a replay of the topic would bring it
        for (dev.chat.common.wire.ServerEvent event : List.of(first, second, edit, deletion, lateEdit, first, secondEdit)) {
            produce(channel.toString(), Json.encode(event));
        }
        List<Row> rows = await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> rows(channel),
                found -> found.stream().anyMatch(r -> "world, v2".equals(r.getString("content"))));
        Row deleted = rows.stream().filter(r -> r.getUuid("message_id").equals(first.messageId())).findFirst().orElseThrow();
        assertThat(deleted.getString("status")).isEqualTo("deleted");
        assertThat(deleted.getString("content")).as("the content is gone, and stays gone after the message came again").isNull();
        assertThat(deleted.getInstant("deleted_at")).isEqualTo(deletion.deletedAt());
        assertThat(deleted.getInstant("edited_at")).as("the edit after the deletion was dropped").isEqualTo(edit.editedAt());
        Row edited = rows.stream().filter(r -> r.getUuid("message_id").equals(second.messageId())).findFirst().orElseThrow();
        assertThat(edited.getString("content")).isEqualTo("world, v2");
        assertThat(edited.getString("status")).isEqualTo("sent");
        assertThat(edited.getInstant("edited_at")).isEqualTo(secondEdit.editedAt());
        List<Long> seqs = cassandra.session().execute("SELECT seq FROM message_events WHERE channel_id = ? AND bucket = ?",
                channel, MessageBuckets.of(t.plusMillis(10))).all().stream().map(r -> r.getLong("seq")).toList();
        assertThat(seqs).as("each change's seq is recorded, so the channel's sequence has no gaps")
                .contains(edit.seq(), deletion.seq(), lateEdit.seq(), secondEdit.seq());
    }

    @Test
    void reactionsAreAddedAndRemovedInLogOrderAndAReplayedAddStaysRemoved() throws Exception {
        UUID channel = UUID.randomUUID();
        ChatMessage message = message(channel, 7L, "r-1", "react to me");
        Instant t = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        var add = new dev.chat.common.wire.Reaction(channel, message.messageId(), 8L, "👍", "add", t.plusMillis(10),
                SEQ.incrementAndGet(), "e1");
        var remove = new dev.chat.common.wire.Reaction(channel, message.messageId(), 8L, "👍", "remove", t.plusMillis(20),
                SEQ.incrementAndGet(), "e1");
        var other = new dev.chat.common.wire.Reaction(channel, message.messageId(), 9L, "🎉", "add", t.plusMillis(30),
                SEQ.incrementAndGet(), "e1");
        for (dev.chat.common.wire.ServerEvent event : List.of(message, add, remove, add, other)) {
            produce(channel.toString(), Json.encode(event));
        }
        List<Row> reactions = await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> cassandra.session().execute("SELECT emoji, user_id FROM reactions WHERE channel_id = ? AND bucket = ?",
                        channel, MessageBuckets.of(message.messageId())).all(),
                        found -> found.stream().anyMatch(r -> r.getString("emoji").equals("🎉")));
        assertThat(reactions).extracting(r -> r.getString("emoji") + ":" + r.getLong("user_id"))
                .as("the add read again after its removal stays removed").containsExactly("🎉:9");
    }

    @Test
    void poisonRecordGoesToDeadLetterTopicWithReasonAndThePartitionCarriesOn() throws Exception {
        UUID channel = UUID.randomUUID();
        String poison = "{\"this is\": \"not a chat message\"";
        produce(channel.toString(), poison);
        ChatMessage after = message(channel, 9L, "after-poison", "still stored");
        produce(channel.toString(), Json.encode(after));
        awaitRows(channel, 1);
        assertThat(rows(channel)).extracting(r -> r.getUuid("message_id")).containsExactly(after.messageId());

        ConsumerRecord<String, String> parked = findDeadLetter(poison);
        assertThat(new String(parked.headers().lastHeader("reason").value(), StandardCharsets.UTF_8)).contains("not a chat message");
        assertThat(new String(parked.headers().lastHeader("source").value(), StandardCharsets.UTF_8)).startsWith("chat-messages/");
    }

    @Test
    void aRecordCassandraRefusesIsParkedAndTheRestOfItsBatchIsStoredNotACrashLoop() throws Exception {
        UUID channel = UUID.randomUUID();
        ChatMessage before = message(channel, 9L, "before-refused", "stored");
        // a valid chat message whose created_at no Cassandra timestamp can hold (a buggy producer):
        // the driver refuses to encode it, every time
        UUID id = IDS.next();
        ChatMessage refused = new ChatMessage(channel, id, 9L, "refused", "x", "text",
                Instant.parse("+300000000-01-01T00:00:00Z"), SEQ.incrementAndGet(), "e1");
        ChatMessage after = message(channel, 9L, "after-refused", "stored too");
        String refusedJson = Json.encode(refused);
        producer.send(new ProducerRecord<>("chat-messages", channel.toString(), Json.encode(before)));
        producer.send(new ProducerRecord<>("chat-messages", channel.toString(), refusedJson));
        produce(channel.toString(), Json.encode(after));

        awaitRows(channel, 2);
        assertThat(rows(channel)).extracting(r -> r.getUuid("message_id"))
                .containsExactlyInAnyOrder(before.messageId(), after.messageId());
        ConsumerRecord<String, String> parked = findDeadLetter(refusedJson);
        assertThat(new String(parked.headers().lastHeader("reason").value(), StandardCharsets.UTF_8))
                .startsWith("refused by Cassandra");
        assertThat(FATAL.get()).as("the persister did not stop").isFalse();
    }

    @Test
    void cassandraOutageIsRetriedWithoutLosingMessages() throws Exception {
        LocalStack stack = LocalStack.shared();
        assumeTrue(stack.owner(), "needs a local stack this JVM owns (stop chatctl up to run this test)");
        UUID channel = UUID.randomUUID();
        stack.stopServer("cassandra");
        try {
            double retriesBefore = retries();
            for (int i = 0; i < 20; i++) {
                produce(channel.toString(), Json.encode(message(channel, 11L, "during-outage-" + i, "m" + i)));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (retries() <= retriesBefore && System.nanoTime() < deadline) {
                Thread.sleep(100); // until the persister has tried and failed to store them
            }
            assertThat(retries()).as("the persister retried while Cassandra was down").isGreaterThan(retriesBefore);
        } finally {
            stack.startServer("cassandra");
        }
        awaitRows(channel, 20);
        assertThat(rows(channel)).hasSize(20);
    }

    @Test
    void twoPersistersInOneGroupOneKilledMidStreamStoreEverySendOnceAndTheFirstIdOfARepeatedSend() throws Exception {
        StackSettings settings = LocalStack.shared().settings();
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ServiceProcess second = ServiceProcess.launch(settings.home(), "persister", "persister-second-it", port,
                LocalStack.shared().endpoints().serviceEnvironment(), settings.logDir(), "256m");
        List<UUID> channels = new ArrayList<>();
        for (int c = 0; c < 12; c++) {
            channels.add(UUID.randomUUID()); // spread over the partitions, so both persisters get some
        }
        Map<UUID, List<ChatMessage>> expected = new HashMap<>();
        Map<UUID, ChatMessage> secondIds = new HashMap<>();
        try {
            second.awaitReady(WAIT);
            int sent = 0;
            // until the second persister owns partitions and has written: then SIGKILL it mid-stream
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!storedSomething(port)) {
                assertThat(System.nanoTime()).as("the second persister stored nothing in time").isLessThan(deadline);
                for (int i = 0; i < 24; i++) {
                    produceSend(channels.get(sent % channels.size()), sent++, expected, secondIds);
                }
            }
            second.kill();
            for (int i = 0; i < 300; i++) {
                produceSend(channels.get(sent % channels.size()), sent++, expected, secondIds);
            }
        } finally {
            second.kill();
        }
        for (UUID channel : channels) {
            awaitRows(channel, expected.get(channel).size());
            assertThat(rows(channel)).extracting(r -> r.getUuid("message_id"))
                    .as("every send of " + channel + " once, under its first message_id")
                    .containsExactlyInAnyOrderElementsOf(expected.get(channel).stream().map(ChatMessage::messageId).toList());
        }
        assertThat(secondIds).isNotEmpty();
    }

    /** Produces send number {@code i}; every 50th also under a second message_id (a retry after Redis forgot it). */
    private static void produceSend(UUID channel, int i, Map<UUID, List<ChatMessage>> expected,
                                    Map<UUID, ChatMessage> secondIds) throws Exception {
        ChatMessage message = message(channel, 21L, "group-" + i, "m" + i);
        expected.computeIfAbsent(channel, c -> new ArrayList<>()).add(message);
        produce(channel.toString(), Json.encode(message));
        if (i % 50 == 7) {
            ChatMessage again = message(channel, 21L, "group-" + i, "m" + i);
            secondIds.put(channel, again);
            produce(channel.toString(), Json.encode(again));
        }
    }

    /** @return whether the persister serving metrics on {@code port} has stored a message */
    private static boolean storedSomething(int port) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build();
        String metrics = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().anyMatch(l -> l.startsWith("chat_persister_stored_total") && !l.endsWith(" 0.0"));
    }

    private static double retries() {
        return io.helidon.metrics.api.Metrics.getCounter("chat.persister.retries").map(c -> (double) c.count()).orElse(0.0);
    }

    private static ChatMessage message(UUID channel, long sender, String clientId, String content) {
        UUID id = IDS.next();
        return new ChatMessage(channel, id, sender, clientId, content, "text", TimeUuids.instant(id),
                SEQ.incrementAndGet(), "e1");
    }

    private static void produce(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>("chat-messages", key, value)).get(10, TimeUnit.SECONDS);
    }

    private static List<Row> rows(UUID channel) {
        int bucket = MessageBuckets.of(Instant.now());
        return cassandra.session().execute("SELECT * FROM messages_by_channel WHERE channel_id = ? AND bucket IN (?, ?)",
                channel, bucket - 1, bucket).all();
    }

    private static void awaitRows(UUID channel, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (rows(channel).size() >= count) {
                    return;
                }
            } catch (RuntimeException e) {
                // Cassandra still coming back
            }
            Thread.sleep(200);
        }
        assertThat(rows(channel)).hasSizeGreaterThanOrEqualTo(count);
    }

    private static ConsumerRecord<String, String> findDeadLetter(String value) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BackendSettings.create(config).kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("chat-messages-dlq"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (value.equals(record.value())) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("record not found on the dead-letter topic");
    }
}
