package dev.chat.chatctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.datastax.oss.driver.api.core.uuid.Uuids;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.store.MessageBuckets;
import dev.chat.common.store.TimeUuids;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.Json;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackEndpoints;
import dev.chat.localstack.StackSettings;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator commands run in-process (picocli with captured output) against the real stack,
 * with the services they inspect running as real processes.
 */
class OperatorCommandsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static StackEndpoints endpoints;
    private static StackSettings settings;
    private static CassandraConnection cassandra;
    private static ServiceProcess api;
    private static ServiceProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        endpoints = LocalStack.shared().endpoints();
        settings = LocalStack.shared().settings();
        cassandra = CassandraConnection.open("test", BackendSettings.create(ServiceConfig.load(endpoints.serviceConfig())));
        api = launch("api", "api-chatctl-it");
        gateway = launch("gateway", "gateway-chatctl-it");
    }

    @AfterAll
    static void stop() {
        api.stop();
        gateway.stop();
        cassandra.close();
    }

    private record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            return Json.tree(out);
        }
    }

    /** Runs chatctl in-process, pointed at the local stack through flags. */
    private static Run chatctl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.util.List<String> all = new java.util.ArrayList<>(List.of(args));
        picocli.CommandLine commandLine = ChatCtl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true));
        int code = commandLine.execute(withBackends(commandLine, all).toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** @return the arguments plus where the test stack's backends are, for those the command uses */
    private static List<String> withBackends(picocli.CommandLine root, List<String> args) {
        java.util.List<String> all = new java.util.ArrayList<>(args);
        if (args.contains("--help")) {
            return all;
        }
        picocli.CommandLine command = root;
        for (String arg : args) {
            picocli.CommandLine sub = command.getSubcommands().get(arg);
            if (sub == null) {
                break;
            }
            command = sub;
        }
        Map<String, String> where = new java.util.LinkedHashMap<>();
        where.put("--redis", endpoints.redisAddress());
        where.put("--kafka", endpoints.kafkaBootstrap());
        where.put("--cassandra", endpoints.cassandraContactPoint());
        where.put("--postgres", endpoints.postgresUrl());
        for (Map.Entry<String, String> backend : where.entrySet()) {
            if (command.getCommandSpec().findOption(backend.getKey()) != null) {
                all.addAll(List.of(backend.getKey(), backend.getValue()));
            }
        }
        return all;
    }

    @Test
    void usersCreateAndTokenGiveATokenTheApiAccepts() throws Exception {
        String name = "op-" + UUID.randomUUID().toString().substring(0, 8);
        Run created = chatctl("users", "create", name, "--json");
        assertThat(created.code()).as(created.err()).isZero();
        long id = created.json().path("user_id").asLong();
        assertThat(chatctl("users", "create", name).code()).as("the name is taken").isEqualTo(ChatCtl.FAILED);

        Run token = chatctl("token", Long.toString(id), "--ttl", "PT10M");
        assertThat(token.code()).isZero();
        HttpResponse<String> channels = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/v1/channels"))
                .header("Authorization", "Bearer " + token.out().strip()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(channels.statusCode()).isEqualTo(200);
    }

    @Test
    void aBotsApiTokenWorksOnApiAndGatewayUntilRevokedWhenItsSocketIsClosed() throws Exception {
        String name = "bot-" + UUID.randomUUID().toString().substring(0, 8);
        Run created = chatctl("bots", "create", name, "--json");
        assertThat(created.code()).as(created.err()).isZero();
        long bot = created.json().path("user_id").asLong();
        String token = created.json().path("token").asText();
        String tokenId = created.json().path("token_id").asText();
        assertThat(token).startsWith("chat_").hasSize("chat_".length() + 43);
        assertThat(chatctl("bots", "create", name).code()).as("the name is taken").isEqualTo(ChatCtl.FAILED);

        HttpResponse<String> me = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/v1/users/" + bot))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(Json.tree(me.body()).path("kind").asText()).isEqualTo("bot");
        // the bot opens a group and writes into it over the socket
        HttpResponse<String> channel = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/v1/channels"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"group\",\"name\":\"deploys\",\"member_ids\":[" + bot + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);
        String channelId = Json.tree(channel.body()).path("channel_id").asText();
        try (WsProbe socket = new WsProbe(gateway.port(), token)) {
            socket.await(frame -> frame.path("type").asText().equals("hello"), WAIT);
            socket.send("{\"type\":\"message\",\"channel_id\":\"" + channelId + "\",\"client_id\":\"b1\",\"content\":\"deployed\"}");
            assertThat(socket.await(frame -> frame.path("type").asText().equals("ack"), WAIT).path("client_id").asText()).isEqualTo("b1");
            Run listed = chatctl("tokens", "list", "--user", Long.toString(bot), "--json");
            assertThat(listed.json().path("tokens")).hasSize(1);
            assertThat(listed.json().path("tokens").get(0).path("last_used_at").isNull()).as("used").isFalse();

            Run revoked = chatctl("tokens", "revoke", tokenId);
            assertThat(revoked.code()).as(revoked.err()).isZero();
            assertThat(socket.awaitClose(Duration.ofSeconds(15))).as("the open socket is closed").isEqualTo(4001);
        }
        // the api learns it from its own poll (auth.revocationpollmillis, 2 s)
        assertThat(awaitApiStatus(token, 401)).as("the api refuses the revoked token").isEqualTo(401);
        assertThat(chatctl("tokens", "list", "--json").json().path("tokens").findValuesAsText("token_id")).contains(tokenId);
        assertThat(chatctl("tokens", "revoke", UUID.randomUUID().toString()).code()).isEqualTo(ChatCtl.FAILED);

        long person = Long.parseLong(chatctl("users", "create", "p-" + UUID.randomUUID().toString().substring(0, 8)).out().strip());
        Run forPerson = chatctl("tokens", "create", Long.toString(person));
        assertThat(forPerson.code()).isEqualTo(ChatCtl.FAILED);
        assertThat(forPerson.err()).contains("API tokens are for bots");
        Run second = chatctl("tokens", "create", Long.toString(bot), "--name", "rotated");
        assertThat(second.code()).isZero();
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + api.port() + "/api/v1/channels"))
                .header("Authorization", "Bearer " + second.out().lines().findFirst().orElseThrow()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(200);
    }

    @Test
    void aDeactivatedUsersTokensStopWorkingAndTheirSocketsCloseUntilReactivated() throws Exception {
        long user = Long.parseLong(chatctl("users", "create", "d-" + UUID.randomUUID().toString().substring(0, 8)).out().strip());
        String token = chatctl("token", Long.toString(user)).out().strip();
        assertThat(apiStatus(token)).isEqualTo(200);
        try (WsProbe socket = new WsProbe(gateway.port(), token)) {
            socket.await(frame -> frame.path("type").asText().equals("hello"), WAIT);
            Run deactivated = chatctl("users", "deactivate", Long.toString(user));
            assertThat(deactivated.code()).as(deactivated.err()).isZero();
            assertThat(socket.awaitClose(Duration.ofSeconds(15))).as("closed, not to come back").isEqualTo(4003);
        }
        assertThat(awaitApiStatus(token, 401)).isEqualTo(401);
        assertThat(chatctl("users", "list", "--deactivated", "--limit", "100000", "--json").json().path("users")
                .findValuesAsText("user_id")).contains(Long.toString(user));
        assertThat(chatctl("users", "reactivate", Long.toString(user)).code()).isZero();
        assertThat(awaitApiStatus(token, 200)).as("the same token works again").isEqualTo(200);
        assertThat(chatctl("users", "deactivate", "999999999").code()).isEqualTo(ChatCtl.FAILED);
    }

    @Test
    void kickClosesEverySocketOfTheUserWithTheReason() throws Exception {
        long user = Long.parseLong(chatctl("users", "create", "k-" + UUID.randomUUID().toString().substring(0, 8)).out().strip());
        String token = chatctl("token", Long.toString(user)).out().strip();
        try (WsProbe phone = new WsProbe(gateway.port(), token); WsProbe laptop = new WsProbe(gateway.port(), token)) {
            phone.await(frame -> frame.path("type").asText().equals("hello"), WAIT);
            laptop.await(frame -> frame.path("type").asText().equals("hello"), WAIT);
            Run kicked = chatctl("kick", Long.toString(user), "--reason", "session reset", "--json");
            assertThat(kicked.code()).as(kicked.err()).isZero();
            assertThat(kicked.json().path("gateways").asLong()).isPositive();
            assertThat(phone.awaitClose(Duration.ofSeconds(10))).isEqualTo(4002);
            assertThat(laptop.awaitClose(Duration.ofSeconds(10))).isEqualTo(4002);
        }
        try (WsProbe again = new WsProbe(gateway.port(), token)) {
            again.await(frame -> frame.path("type").asText().equals("hello"), WAIT); // not banned: deactivate for that
        }
        assertThat(chatctl("kick", "0").code()).isEqualTo(ChatCtl.USAGE);
    }

    @Test
    void connectionsListsTheGatewayWithItsSocketsAndWhereAUsersSocketsAre() throws Exception {
        long user = Long.parseLong(chatctl("users", "create", "c-" + UUID.randomUUID().toString().substring(0, 8)).out().strip());
        String token = chatctl("token", Long.toString(user)).out().strip();
        try (WsProbe phone = new WsProbe(gateway.port(), token); WsProbe laptop = new WsProbe(gateway.port(), token)) {
            phone.await(frame -> frame.path("type").asText().equals("hello"), WAIT);
            laptop.await(frame -> frame.path("type").asText().equals("hello"), WAIT);
            // gateways report every 5 s
            JsonNode mine = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> ourGateway(chatctl("connections", "--json").json()), row -> row != null
                            && row.path("sockets").asInt() >= 2);
            assertThat(mine.path("users").asInt()).isPositive();
            assertThat(mine.path("draining").asBoolean()).isFalse();
            Run table = chatctl("connections");
            assertThat(table.code()).isZero();
            assertThat(table.out()).contains("GATEWAY").contains(mine.path("name").asText()).contains("serving");

            Run users = chatctl("connections", "--user", Long.toString(user), "--json");
            assertThat(users.code()).as(users.err()).isZero();
            JsonNode row = users.json().path("users").get(0);
            assertThat(row.path("sockets").asInt()).isEqualTo(2);
            assertThat(row.path("gateways").path(mine.path("name").asText()).asInt()).isEqualTo(2);
        }
    }

    /** @return this test's gateway in a connections --json listing, or null */
    private static JsonNode ourGateway(JsonNode listing) {
        for (JsonNode row : listing.path("gateways")) {
            if (row.path("address").asText().endsWith(":" + gateway.port() + "/ws")) {
                return row;
            }
        }
        return null;
    }

    private static int apiStatus(String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/api/v1/channels"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** @return the status, once it is the expected one (changes reach the api by polling; fails after 15 s) */
    private static int awaitApiStatus(String token, int expected) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> apiStatus(token), status -> status == expected);
    }

    @Test
    void dlqListsShowsAndReplaysParkedRecords() throws Exception {
        String value = "{\"not\":\"a message " + UUID.randomUUID() + "\"}";
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            // parked as the persister parks: the record as it was, with why and from where
            ProducerRecord<String, String> parked = new ProducerRecord<>("chat-messages-dlq", "some-channel", value);
            parked.headers().add("reason", "not a chat message: test".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .add("source", "chat-messages/0@1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            producer.send(parked).get(10, TimeUnit.SECONDS);
        }
        Run listed = chatctl("dlq", "list", "--limit", "500", "--json");
        assertThat(listed.code()).as(listed.err()).isZero();
        JsonNode record = null;
        for (JsonNode candidate : listed.json().path("records")) {
            if (value.equals(candidate.path("value").asText())) {
                record = candidate;
            }
        }
        assertThat(record).as("listed").isNotNull();
        assertThat(record.path("reason").asText()).isEqualTo("not a chat message: test");
        String id = record.path("id").asText();
        Run shown = chatctl("dlq", "show", id, "--json");
        assertThat(shown.json().path("value").asText()).isEqualTo(value);
        assertThat(shown.json().path("source").asText()).isEqualTo("chat-messages/0@1");

        Run plan = chatctl("dlq", "replay", id);
        assertThat(plan.code()).isZero();
        assertThat(plan.out()).contains("would replay " + id);
        Run replayed = chatctl("dlq", "replay", id, "--execute", "--json");
        assertThat(replayed.code()).as(replayed.err()).isZero();
        String[] where = replayed.json().path("written").get(0).asText().split("@");
        Properties consumerProps = new Properties();
        consumerProps.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(consumerProps,
                new org.apache.kafka.common.serialization.StringDeserializer(), new org.apache.kafka.common.serialization.StringDeserializer())) {
            var partition = new org.apache.kafka.common.TopicPartition("chat-messages", Integer.parseInt(where[0]));
            consumer.assign(List.of(partition));
            consumer.seek(partition, Long.parseLong(where[1]));
            var again = consumer.poll(Duration.ofSeconds(10)).records(partition).getFirst();
            assertThat(again.value()).isEqualTo(value);
            assertThat(new String(again.headers().lastHeader("replayed-from").value(), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("chat-messages-dlq/" + id);
        }
        assertThat(chatctl("dlq", "show", "0@999999999").code()).isEqualTo(ChatCtl.FAILED);
        assertThat(chatctl("dlq", "show", "nonsense").code()).isEqualTo(ChatCtl.USAGE);
    }

    @Test
    void presenceShowsAConnectedUserWithDeviceThenOfflineWithLastSeen() throws Exception {
        long user = Long.parseLong(chatctl("users", "create", "p-" + UUID.randomUUID().toString().substring(0, 8)).out().strip());
        String token = chatctl("token", Long.toString(user)).out().strip();
        try (WsProbe socket = new WsProbe(gateway.port(), token)) {
            socket.send("{\"type\":\"heartbeat\"}");
            Run online = awaitPresence(user, "online");
            JsonNode report = online.json().get(0);
            assertThat(report.path("devices")).hasSize(1);
            assertThat(report.path("devices").get(0).path("expires_in_ms").asLong()).isPositive();
            assertThat(report.path("devices_key_ttl_ms").asLong()).isPositive();
            Run listed = chatctl("presence", "--online", "--limit", "100000", "--json");
            assertThat(listed.json().path("online").toString()).contains(Long.toString(user));
        }
        Run offline = awaitPresence(user, "offline");
        assertThat(offline.json().get(0).path("last_seen_at").asText()).isNotEmpty();
        Run human = chatctl("presence", Long.toString(user));
        assertThat(human.out()).contains("user " + user + ": offline, last seen 20");
    }

    @Test
    void replayPlansWithoutChangingRefusesWhileThePersisterRunsAndReplaysWithoutDuplicates() throws Exception {
        UUID channel = UUID.randomUUID();
        TimeUuids ids = new TimeUuids();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
        ServiceProcess persister = launch("persister", "persister-chatctl-it");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < 20; i++) {
                UUID id = ids.next();
                producer.send(new ProducerRecord<>("chat-messages", channel.toString(), Json.encode(
                        new ChatMessage(channel, id, 5L, "r-" + i, "replay " + i, "text", TimeUuids.instant(id), i + 1, "e1")))).get();
            }
            awaitRows(channel, 20);
            Run refused = chatctl("replay", "--to-earliest", "--execute");
            assertThat(refused.code()).isEqualTo(ChatCtl.FAILED);
            assertThat(refused.err()).contains("active member").contains("Stop the persisters");
        } finally {
            persister.stop();
        }
        // the channel's messages are all in one partition (keyed by channel): replay just that one
        String partition = Integer.toString(org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(channel.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % settings.kafkaPartitions());
        Run before = chatctl("replay", "--json");
        Run plan = chatctl("replay", "--to-earliest", "--partition", partition, "--json");
        assertThat(plan.code()).isZero();
        assertThat(plan.json().path("partitions")).hasSize(1);
        assertThat(chatctl("replay", "--json").json().path("partitions")).as("a plan changes nothing")
                .isEqualTo(before.json().path("partitions"));

        Run executed = awaitExecute("replay", "--to-earliest", "--partition", partition, "--execute", "--json");
        for (JsonNode planned : executed.json().path("partitions")) {
            assertThat(planned.path("target").asLong()).isEqualTo(planned.path("earliest").asLong());
        }
        JsonNode moved = chatctl("replay", "--partition", partition, "--json").json().path("partitions");
        assertThat(moved.get(0).path("committed").asLong()).as("moved exactly as planned")
                .isEqualTo(executed.json().path("partitions").get(0).path("target").asLong());
        ServiceProcess again = launch("persister", "persister-chatctl-it-2");
        try {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline && chatctl("replay", "--json").json().path("partitions").findValues("lag")
                    .stream().anyMatch(lag -> lag.asLong() > 0)) {
                Thread.sleep(500);
            }
            assertThat(chatctl("replay", "--json").json().path("partitions").findValues("lag")).allMatch(lag -> lag.asLong() == 0);
            assertThat(rows(channel)).as("replayed into Cassandra without duplicates").isEqualTo(20);
        } finally {
            again.stop();
        }
    }

    @Test
    void verifyPassesARunHistoryHoldsAndFailsOnLostDuplicatedPhantomAndOutOfOrderData(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        UUID channel = UUID.randomUUID();
        long sender = 7;
        List<UUID> ids = new java.util.ArrayList<>();
        RunRecord record = new RunRecord();
        for (int i = 1; i <= 4; i++) {
            UUID id = Uuids.timeBased();
            ids.add(id);
            record.add(new RunRecord.Sent(channel, sender, "v" + i));
            record.add(new RunRecord.Acked(channel, sender, "v" + i, id, i, "e1"));
            record.add(new RunRecord.Received(channel, 8, sender, "v" + i, id, i, "e1"));
        }
        for (int i = 1; i <= 3; i++) {
            storeRow(channel, ids.get(i - 1), sender, "v" + i, i);
        }
        Path file = dir.resolve("run.jsonl");
        record.write(file);
        Run missing = chatctl("verify", "--record", file.toString(), "--settle", "PT1S", "--json");
        assertThat(missing.code()).as(missing.out() + missing.err()).isEqualTo(ChatCtl.FAILED);
        assertThat(missing.json().path("counts").path("acked_missing").asLong()).isEqualTo(1);
        assertThat(missing.json().path("counts").path("phantom").asLong()).isEqualTo(1);

        storeRow(channel, ids.get(3), sender, "v4", 4);
        Run clean = chatctl("verify", "--record", file.toString());
        assertThat(clean.code()).as(clean.out() + clean.err()).isZero();
        assertThat(clean.out()).contains("OK: every acked message is stored once");

        storeRow(channel, Uuids.timeBased(), sender, "v2", 6); // v2 twice, and seq 5 never stored
        Run broken = chatctl("verify", "--record", file.toString(), "--json");
        assertThat(broken.code()).isEqualTo(ChatCtl.FAILED);
        assertThat(broken.json().path("counts").path("duplicate").asLong()).isEqualTo(1);
        assertThat(broken.json().path("counts").path("seq_gap").asLong()).isEqualTo(1);

        java.nio.file.Files.writeString(file, "not a record\n");
        assertThat(chatctl("verify", "--record", file.toString()).code()).isEqualTo(ChatCtl.USAGE);
    }

    private static void storeRow(UUID channel, UUID messageId, long sender, String clientId, long seq) {
        cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id, client_id,"
                + " content, msg_type, status, created_at, seq, epoch) VALUES (?, ?, ?, ?, ?, 'x', 'text', 'sent', ?, ?, 'e1')",
                channel, MessageBuckets.of(messageId), messageId, sender, clientId,
                dev.chat.common.store.TimeUuids.instant(messageId), seq);
    }

    @Test
    void partitionsCountsRowsPerBucketAndWarnsPastTheThreshold() throws Exception {
        long owner = Long.parseLong(chatctl("users", "create", "pt-" + UUID.randomUUID().toString().substring(0, 8)).out().strip());
        UUID channel = UUID.randomUUID();
        int now = MessageBuckets.of(Instant.now());
        try (Connection db = DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "");
             PreparedStatement insert = db.prepareStatement("INSERT INTO channels (id, name, type, created_by, created_at)"
                     + " VALUES (?, 'p', 'group', ?, ?)")) {
            insert.setObject(1, channel);
            insert.setLong(2, owner);
            insert.setObject(3, java.sql.Timestamp.from(MessageBuckets.start(now - 3)));
            insert.executeUpdate();
        }
        Map<Integer, Integer> perBucket = Map.of(now - 3, 2, now - 1, 5);
        perBucket.forEach((bucket, count) -> {
            for (int i = 0; i < count; i++) {
                long millis = MessageBuckets.start(bucket).toEpochMilli() + 1000L * (i + 1);
                cassandra.session().execute("INSERT INTO messages_by_channel (channel_id, bucket, message_id, sender_id, client_id,"
                        + " content, msg_type, status, created_at) VALUES (?, ?, ?, 1, ?, 'hello', 'text', 'sent', ?)",
                        channel, bucket, Uuids.startOf(millis), "c" + i, Instant.ofEpochMilli(millis));
            }
        });
        Run run = chatctl("partitions", channel.toString(), "--warn-rows", "3", "--json");
        assertThat(run.code()).as(run.err()).isZero();
        Map<Integer, Long> rows = new HashMap<>();
        Map<Integer, Integer> warnings = new HashMap<>();
        for (JsonNode p : run.json().path("partitions")) {
            rows.put(p.path("bucket").asInt(), p.path("rows").asLong());
            warnings.put(p.path("bucket").asInt(), p.path("warnings").size());
            assertThat(p.path("replicas")).isNotEmpty();
        }
        assertThat(rows).containsExactlyInAnyOrderEntriesOf(Map.of(now - 3, 2L, now - 1, 5L));
        assertThat(warnings).containsEntry(now - 1, 1).containsEntry(now - 3, 0);
        assertThat(chatctl("partitions", channel.toString(), "--warn-rows", "3").out()).contains("WARNING: more than 3 rows");
    }

    @Test
    void badArgumentsAreUsageErrorsAndUnreachableServicesExit3() {
        assertThat(chatctl("token", "abc").code()).isEqualTo(ChatCtl.USAGE);
        assertThat(chatctl("replay", "--execute").code()).isEqualTo(ChatCtl.USAGE);
        assertThat(chatctl("partitions").code()).isEqualTo(ChatCtl.USAGE);
        assertThat(chatctl("presence").code()).isEqualTo(ChatCtl.USAGE);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ChatCtl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                .execute("replay", "--kafka", "127.0.0.1:1");
        assertThat(code).isEqualTo(ChatCtl.UNREACHABLE);
        assertThat(err.toString()).contains("cannot reach Kafka at 127.0.0.1:1");
    }

    @Test
    void theLauncherRunsCommandsAsARealProcessWithDocumentedExitCodes() throws Exception {
        java.nio.file.Path launcher = settings.home().resolve("bin/chatctl");
        String name = "proc-" + UUID.randomUUID().toString().substring(0, 8);
        ProcessBuilder create = new ProcessBuilder(launcher.toString(), "users", "create", name, "--json",
                "--postgres", endpoints.postgresUrl()).redirectErrorStream(false);
        create.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = create.start();
        String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        assertThat(Json.tree(out).path("name").asText()).isEqualTo(name);

        ProcessBuilder bad = new ProcessBuilder(launcher.toString(), "replay", "--to-offset", "x");
        bad.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process usage = bad.start();
        String err = new String(usage.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(usage.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(usage.exitValue()).isEqualTo(ChatCtl.USAGE);
        assertThat(err).contains("--to-offset");
    }

    private static Run awaitPresence(long user, String status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Run run;
        do {
            run = chatctl("presence", Long.toString(user), "--json");
            if (run.code() == 0 && status.equals(run.json().get(0).path("status").asText())) {
                return run;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("user " + user + " never " + status + ": " + run.out() + run.err());
    }

    /** The group needs a moment to notice a stopped member; retry while it still lists one. */
    private static Run awaitExecute(String... args) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Run run;
        do {
            run = chatctl(args);
            if (run.code() == 0) {
                return run;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(run.err());
    }

    private static long rows(UUID channel) {
        int bucket = MessageBuckets.of(Instant.now());
        return cassandra.session().execute("SELECT COUNT(*) FROM messages_by_channel WHERE channel_id = ? AND bucket IN (?, ?)",
                channel, bucket - 1, bucket).one().getLong(0);
    }

    private static void awaitRows(UUID channel, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline && rows(channel) < count) {
            Thread.sleep(200);
        }
        assertThat(rows(channel)).isEqualTo(count);
    }

    private static ServiceProcess launch(String module, String name) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ServiceProcess process = ServiceProcess.launch(settings.home(), module, name, port, endpoints.serviceEnvironment(),
                settings.logDir(), "256m");
        process.awaitReady(Duration.ofSeconds(90));
        return process;
    }
}
