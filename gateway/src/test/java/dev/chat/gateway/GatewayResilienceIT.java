package dev.chat.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.RedisConnection;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What must hold when parts fail: a gateway restart, a Redis flush, Kafka down, the persister
 * killed mid-stream. Runs on the real stack; stopping Kafka needs a stack this JVM owns.
 */
class GatewayResilienceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Fixtures fixtures;
    private static ServiceProcess persister;

    @BeforeAll
    static void start() throws Exception {
        fixtures = new Fixtures();
        persister = TwoGateways.startPersister("persister-resilience-it");
    }

    @AfterAll
    static void stop() {
        if (persister != null) {
            persister.stop();
        }
        fixtures.close();
    }

    @Test
    void retryAfterGatewayRestartKeepsIdAndSeqAndARetryAfterRedisFlushIsStoredOnce() throws Exception {
        long alice = fixtures.user("alice");
        long bob = fixtures.user("bob");
        UUID group = fixtures.channel("group", alice, bob);
        Map<String, String> frame = Map.of("type", "message", "channel_id", group.toString(),
                "client_id", "restart-" + UUID.randomUUID(), "content", "survives restarts");
        ServiceRuntime first = GatewayMain.start(fixtures.config(Map.of()));
        JsonNode firstAck;
        try (ChatClient sender = ChatClient.connect(first.port(), fixtures.token(alice))) {
            sender.send(frame);
            firstAck = sender.await(f -> "ack".equals(f.path("type").asText()), WAIT);
        } finally {
            first.close();
        }
        String messageId = firstAck.path("message_id").asText();
        ServiceRuntime second = GatewayMain.start(fixtures.config(Map.of()));
        try (ChatClient sender = ChatClient.connect(second.port(), fixtures.token(alice));
             ChatClient receiver = ChatClient.connect(second.port(), fixtures.token(bob))) {
            sender.send(frame);
            JsonNode retried = sender.awaitCount("ack", 1, WAIT).getFirst();
            assertThat(retried.path("message_id").asText()).isEqualTo(messageId);
            assertThat(retried.path("seq").asLong()).isEqualTo(firstAck.path("seq").asLong());
            assertThat(retried.path("epoch").asText()).isEqualTo(firstAck.path("epoch").asText());

            awaitStored(group, 1);
            flushRedis();
            // Redis forgot the send: the retry is sequenced again (a new epoch), but the persister
            // keeps the first message_id of (channel, sender, client_id) in log order
            sender.send(frame);
            assertThat(sender.awaitCount("ack", 2, WAIT).get(1).path("epoch").asText())
                    .isNotEqualTo(firstAck.path("epoch").asText());

            String marker = "marker-" + UUID.randomUUID();
            sender.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", marker,
                    "content", "marker"));
            receiver.await(f -> "marker".equals(f.path("content").asText()), WAIT);
            assertThat(receiver.received("message")).extracting(f -> f.path("content").asText())
                    .as("the retry after the restart was not delivered again").doesNotHaveDuplicates().contains("marker");
            awaitStored(group, 2);
            assertThat(fixtures.storedMessageIds(group)).extracting(UUID::toString)
                    .as("one row for the send, one for the marker").hasSize(2).containsOnlyOnce(messageId);
        } finally {
            second.close();
        }
    }

    @Test
    void aSendFannedOutJustBeforeKafkaStalledIsStoredWhenKafkaIsBackThoughItsSenderNeverRetries() throws Exception {
        LocalStack stack = LocalStack.shared();
        assumeTrue(stack.owner(), "needs a local stack this JVM owns (stop chatctl up to run this test)");
        long erin = fixtures.user("erin");
        long finn = fixtures.user("finn");
        UUID group = fixtures.channel("group", erin, finn);
        ServiceRuntime gateway = GatewayMain.start(fixtures.config(Map.of("gateway.kafkasendtimeoutmillis", "3000")));
        try (ChatClient sender = ChatClient.connect(gateway.port(), fixtures.token(erin));
             ChatClient receiver = ChatClient.connect(gateway.port(), fixtures.token(finn))) {
            sender.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "before-1", "content", "warm"));
            sender.await(f -> "ack".equals(f.path("type").asText()), WAIT);
            awaitStored(group, 1);
            stack.signalServer("kafka", "STOP"); // frozen: the gateway's probe has not noticed yet
            try {
                sender.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "stalled-1",
                        "content", "sent as Kafka froze"));
                JsonNode delivered = receiver.await(f -> "stalled-1".equals(f.path("client_id").asText()), WAIT);
                JsonNode error = sender.await(f -> "error".equals(f.path("type").asText()), WAIT);
                assertThat(error.path("code").asText()).isEqualTo("unavailable");
                Thread.sleep(2_000);
                stack.signalServer("kafka", "CONT");
                // the sender gives up (sends nothing again); the gateway's producer still writes it
                awaitStored(group, 2);
                assertThat(fixtures.storedMessageIds(group)).extracting(UUID::toString)
                        .contains(delivered.path("message_id").asText()).hasSize(2);
            } finally {
                stack.signalServer("kafka", "CONT");
            }
        } finally {
            gateway.close();
        }
    }

    @Test
    void kafkaDownMeansUnavailableAndNothingDeliveredThenSendsSucceedAgain() throws Exception {
        LocalStack stack = LocalStack.shared();
        assumeTrue(stack.owner(), "needs a local stack this JVM owns (stop chatctl up to run this test)");
        long carol = fixtures.user("carol");
        long dave = fixtures.user("dave");
        UUID group = fixtures.channel("group", carol, dave);
        ServiceRuntime gateway = GatewayMain.start(fixtures.config(Map.of("gateway.kafkasendtimeoutmillis", "3000")));
        try (ChatClient sender = ChatClient.connect(gateway.port(), fixtures.token(carol));
             ChatClient receiver = ChatClient.connect(gateway.port(), fixtures.token(dave))) {
            stack.stopServer("kafka");
            try {
                awaitHealth(gateway.port(), 503);
                String clientId = "outage-" + UUID.randomUUID();
                Map<String, String> frame = Map.of("type", "message", "channel_id", group.toString(),
                        "client_id", clientId, "content", "during the outage");
                sender.send(frame);
                JsonNode error = sender.await(f -> "error".equals(f.path("type").asText()), WAIT);
                assertThat(error.path("code").asText()).isEqualTo("unavailable");
                assertThat(error.path("client_id").asText()).isEqualTo(clientId);
                assertThat(sender.received("ack")).isEmpty();
                assertThat(receiver.received("message")).as("nothing is delivered while Kafka is down").isEmpty();

                stack.startServer("kafka");
                awaitHealth(gateway.port(), 200);
                sender.send(frame);
                JsonNode ack = sender.await(f -> "ack".equals(f.path("type").asText()), WAIT);
                receiver.await(f -> clientId.equals(f.path("client_id").asText()), WAIT);
                awaitStored(group, 1);
                assertThat(fixtures.storedMessageIds(group)).extracting(UUID::toString)
                        .containsExactly(ack.path("message_id").asText());
            } finally {
                if (!stack.endpoints().kafkaBootstrap().isEmpty() && !kafkaAnswers(gateway.port())) {
                    stack.startServer("kafka");
                }
            }
        } finally {
            gateway.close();
        }
    }

    @Test
    void persisterKilledMidStreamStillStoresEveryAckedMessageExactlyOnce() throws Exception {
        long erin = fixtures.user("erin");
        UUID group = fixtures.channel("group", erin);
        // 200 sends as fast as the socket goes: above the default frame budget (100 at once)
        ServiceRuntime gateway = GatewayMain.start(fixtures.config(Map.of("gateway.framespersecond", "10000")));
        try (ChatClient sender = ChatClient.connect(gateway.port(), fixtures.token(erin))) {
            int count = 200;
            for (int i = 0; i < count; i++) {
                sender.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "k-" + i,
                        "content", "message " + i));
                if (i == 40) {
                    awaitStored(group, 1);
                    persister.kill();
                }
            }
            List<String> acked = new ArrayList<>(sender.awaitCount("ack", count, WAIT).stream()
                    .map(a -> a.path("message_id").asText()).toList());
            persister = TwoGateways.startPersister("persister-resilience-it-2");
            awaitStored(group, count);
            assertThat(fixtures.storedMessageIds(group)).extracting(UUID::toString)
                    .containsExactlyInAnyOrderElementsOf(acked);
        } finally {
            gateway.close();
            if (!persister.process().isAlive()) { // killed above and the test failed before its restart: the next tests need one
                persister = TwoGateways.startPersister("persister-resilience-it-3");
            }
        }
    }

    private static void flushRedis() {
        try (RedisConnection redis = RedisConnection.open("test", BackendSettings.create(fixtures.config(Map.of())))) {
            redis.client().getKeys().flushall();
        }
    }

    private static boolean kafkaAnswers(int gatewayPort) throws Exception {
        return health(gatewayPort) == 200;
    }

    private static void awaitHealth(int port, int status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (health(port) == status) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("gateway health never became " + status);
    }

    private static int health(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitStored(UUID channel, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && fixtures.storedMessageIds(channel).size() < count) {
            Thread.sleep(100);
        }
        assertThat(fixtures.storedMessageIds(channel)).as("rows stored for " + channel).hasSizeGreaterThanOrEqualTo(count);
    }
}
