package dev.chat.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.ServiceRuntime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway's limits and its answers to bad input, on the real stack: frames per second, sockets
 * per user, token expiry, binary and oversize frames, presence only among channel members, typing
 * throttled. The gateway here has small limits so the tests reach them quickly.
 */
class GatewayLimitsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static Fixtures fixtures;
    private static ServiceRuntime gateway;

    @BeforeAll
    static void start() {
        fixtures = new Fixtures();
        gateway = GatewayMain.start(fixtures.config(Map.of(
                "gateway.framespersecond", "5",
                "gateway.frameburst", "10",
                "gateway.floodclosemillis", "1500",
                "gateway.socketsperuser", "2",
                "gateway.maxpresenceusers", "3",
                "gateway.maxframechars", "1000",
                "gateway.typingintervalmillis", "60000",
                "gateway.pingintervalmillis", "200",
                "gateway.pongtimeoutmillis", "5000")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        fixtures.close();
    }

    @Test
    void aSocketOverItsFrameRateGetsRateLimitedWithItsClientIdAndIsClosedWhenItKeepsFlooding() throws Exception {
        long flo = fixtures.user("flo");
        UUID group = fixtures.channel("group", flo);
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(flo))) {
            for (int i = 0; i < 14; i++) {
                client.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "f-" + i, "content", "m" + i));
            }
            JsonNode limited = client.await(f -> "rate_limited".equals(f.path("code").asText()), WAIT);
            assertThat(limited.path("client_id").asText()).startsWith("f-");
            assertThat(limited.path("retry_after_ms").asLong()).isBetween(1L, 1000L);
            assertThat(client.awaitCount("ack", 10, WAIT)).hasSize(10);

            // ignoring retry_after_ms for the flood window (1.5 s here) closes the socket
            long until = System.nanoTime() + WAIT.toNanos();
            while (!client.isClosed() && System.nanoTime() < until) {
                try {
                    client.sendText("{\"type\":\"heartbeat\"}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(client.awaitClose(WAIT)).isEqualTo(ChatSocket.FLOODING);
        }
    }

    @Test
    void aBurstOfFourHundredFramesFromAReadingClientIsAnsweredInFullWithoutASlowConsumerClose() throws Exception {
        long bea = fixtures.user("bea");
        UUID group = fixtures.channel("group", bea);
        // the default limits: 100 frames at once, 20 a second, 256 frames queued per socket
        try (ServiceRuntime defaults = GatewayMain.start(fixtures.config(Map.of()));
             ChatClient client = ChatClient.connect(defaults.port(), fixtures.token(bea))) {
            client.awaitHello();
            for (int i = 0; i < 400; i++) {
                client.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "burst-" + i, "content", "m" + i));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            java.util.function.Supplier<java.util.Set<String>> answered = () -> client.received().stream()
                    .filter(f -> "ack".equals(f.path("type").asText()) || "rate_limited".equals(f.path("code").asText()))
                    .map(f -> f.path("client_id").asText()).collect(java.util.stream.Collectors.toSet());
            while (answered.get().size() < 400 && !client.isClosed() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(client.isClosed()).as("not closed as a slow consumer (1008)").isFalse();
            assertThat(answered.get()).as("every frame acked or rate_limited").hasSize(400);
            assertThat(client.received("ack")).hasSizeGreaterThanOrEqualTo(100);
        }
    }

    @Test
    void aFrameOverOneMebibyteClosesTheSocketWith1009AndALargeOneIsAnsweredTooLarge() {
        long max = fixtures.user("max");
        UUID group = fixtures.channel("group", max);
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(max))) {
            client.awaitHello();
            Map<String, Object> big = new java.util.LinkedHashMap<>(); // client_id first: the gateway peeks at the first 4 KB
            big.put("type", "message");
            big.put("client_id", "big");
            big.put("channel_id", group.toString());
            big.put("content", "x".repeat(5_000));
            client.send(big);
            JsonNode tooLarge = client.await(f -> "too_large".equals(f.path("code").asText()), WAIT);
            assertThat(tooLarge.path("client_id").asText()).isEqualTo("big");

            client.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "huge",
                    "content", "x".repeat(1_500_000)));
            assertThat(client.awaitClose(WAIT)).as("1009 message too big, not a dropped connection").isEqualTo(ChatSocket.TOO_BIG);
        }
    }

    @Test
    void aDirectChannelClosedByABlockAnswersNotAllowedUntilTheBlockIsLifted() {
        long kim = fixtures.user("kim");
        long lee = fixtures.user("lee");
        UUID direct = fixtures.channel("direct", kim, lee);
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(kim))) {
            sendUntil(client, direct, "b-1", "ack");

            fixtures.block(lee, kim, true); // the gateway cached kim's channels above: only access_changed tells it
            JsonNode refused = sendUntil(client, direct, "b-2", "error");
            assertThat(refused.path("code").asText()).isEqualTo("not_allowed");

            fixtures.block(lee, kim, false);
            sendUntil(client, direct, "b-3", "ack");
        }
    }

    /** Sends as {@code clientId}-N until an answer of {@code type} comes (the event is asynchronous). */
    private static JsonNode sendUntil(ChatClient client, UUID channel, String clientId, String type) {
        for (int i = 0; i < 20; i++) {
            String id = clientId + "-" + i;
            client.send(Map.of("type", "message", "channel_id", channel.toString(), "client_id", id, "content", "x"));
            JsonNode answer = client.await(f -> id.equals(f.path("client_id").asText())
                    && !"message".equals(f.path("type").asText()), WAIT); // the ack or error, not the echo
            if (type.equals(answer.path("type").asText())) {
                return answer;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no " + type + " for " + clientId);
    }

    @Test
    void framesForAChannelTheUserIsNotInAreRefusedWithoutADatabaseQueryEach() throws Exception {
        long eve = fixtures.user("eve");
        UUID theirs = fixtures.channel("group", fixtures.user("owner"));
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(eve))) {
            double before = membershipLoads();
            for (int i = 0; i < 8; i++) { // within this gateway's burst of 10
                client.send(Map.of("type", "typing_start", "channel_id", theirs.toString()));
            }
            assertThat(client.awaitCount("error", 8, WAIT)).allMatch(e -> "not_member".equals(e.path("code").asText()));
            assertThat(membershipLoads() - before).as("PostgreSQL reads for 8 refused frames").isLessThanOrEqualTo(1);
        }
    }

    /** @return the gateway's chat.gateway.membership.loads counter, from its metrics endpoint */
    private static double membershipLoads() throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/observe/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(line -> line.startsWith("chat_gateway_membership_loads_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no chat_gateway_membership_loads_total in " + metrics));
    }

    @Test
    void aRemovedMemberStopsReceivingAndSendingAtOnce() throws Exception {
        long gil = fixtures.user("gil");
        long hana = fixtures.user("hana");
        UUID group = fixtures.channel("group", gil, hana);
        try (ChatClient staying = ChatClient.connect(gateway.port(), fixtures.token(gil));
             ChatClient leaving = ChatClient.connect(gateway.port(), fixtures.token(hana))) {
            sendUntil(leaving, group, "before", "ack"); // the gateway has cached hana's membership
            fixtures.removeMember(group, hana);
            // its member_left is sent after its socket left the channel's topic
            leaving.await(f -> "member_left".equals(f.path("type").asText()), WAIT);
            staying.await(f -> "member_left".equals(f.path("type").asText()), WAIT);
            sendUntil(staying, group, "after", "ack");
            // one delivery loop queues a message on every socket of the topic: had the former member
            // still been there, its copy would have been queued with this one
            staying.await(f -> "message".equals(f.path("type").asText()) && f.path("client_id").asText().startsWith("after"), WAIT);
            assertThat(leaving.received("message")).extracting(f -> f.path("client_id").asText())
                    .as("nothing after the removal").allMatch(id -> id.startsWith("before"));
            JsonNode refused = sendUntil(leaving, group, "refused", "error");
            assertThat(refused.path("code").asText()).isEqualTo("not_member");
        }
    }

    @Test
    void aUserGetsAtMostTheConfiguredSocketsPerGateway() {
        long sam = fixtures.user("sam");
        try (ChatClient one = ChatClient.connect(gateway.port(), fixtures.token(sam));
             ChatClient two = ChatClient.connect(gateway.port(), fixtures.token(sam))) {
            assertThatThrownBy(() -> ChatClient.connect(gateway.port(), fixtures.token(sam)))
                    .hasStackTraceContaining("429");
            assertThat(one.isClosed() || two.isClosed()).isFalse();
        }
    }

    @Test
    void aSocketIsClosedWith4001WhenItsTokenExpires() {
        long tia = fixtures.user("tia");
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.tokens().issue(tia, Duration.ofSeconds(2)))) {
            assertThat(client.awaitClose(WAIT)).isEqualTo(Heartbeats.TOKEN_EXPIRED);
        }
    }

    @Test
    void binaryAndOversizeFramesAreAnsweredAndTheSocketKeepsWorking() {
        long bea = fixtures.user("bea");
        UUID group = fixtures.channel("group", bea);
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(bea))) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.await(f -> "error".equals(f.path("type").asText()), WAIT).path("code").asText()).isEqualTo("bad_json");

            client.send(Map.of("type", "message", "client_id", "big-1", "channel_id", group.toString(), "content", "x".repeat(2000)));
            JsonNode tooLarge = client.await(f -> "too_large".equals(f.path("code").asText()), WAIT);
            assertThat(tooLarge.path("client_id").asText()).isEqualTo("big-1");

            client.send(Map.of("type", "message", "client_id", "ok-1", "channel_id", group.toString(), "content", "fine"));
            assertThat(client.await(f -> "ack".equals(f.path("type").asText()), WAIT).path("client_id").asText()).isEqualTo("ok-1");
        }
    }

    @Test
    void presenceIsOnlyForUsersWhoShareAChannelAndBoundedPerSocket() {
        long ava = fixtures.user("ava");
        long ben = fixtures.user("ben");
        long stranger = fixtures.user("stranger");
        fixtures.channel("group", ava, ben);
        try (ChatClient client = ChatClient.connect(gateway.port(), fixtures.token(ava))) {
            client.send(Map.of("type", "subscribe_presence", "user_ids", List.of(stranger)));
            JsonNode refused = client.await(f -> "error".equals(f.path("type").asText()), WAIT);
            assertThat(refused.path("code").asText()).isEqualTo("not_allowed");
            assertThat(client.received("presence")).isEmpty();

            client.send(Map.of("type", "subscribe_presence", "user_ids", List.of(ben, ava)));
            client.await(f -> "presence".equals(f.path("type").asText()) && f.path("user_id").asLong() == ben, WAIT);

            client.send(Map.of("type", "subscribe_presence", "user_ids", List.of(ben, ava)));
            JsonNode tooMany = client.await(f -> "too_large".equals(f.path("code").asText()), WAIT);
            assertThat(tooMany.path("message").asText()).contains("3");
        }
    }

    @Test
    void typingFramesForAChannelGoOutAtMostOncePerInterval() throws Exception {
        long tom = fixtures.user("tom");
        long una = fixtures.user("una");
        UUID group = fixtures.channel("group", tom, una);
        try (ChatClient typist = ChatClient.connect(gateway.port(), fixtures.token(tom));
             ChatClient watcher = ChatClient.connect(gateway.port(), fixtures.token(una))) {
            for (int i = 0; i < 4; i++) { // 8 frames and the message: within this gateway's burst of 10
                typist.send(Map.of("type", "typing_start", "channel_id", group.toString()));
                typist.send(Map.of("type", "typing_stop", "channel_id", group.toString()));
            }
            typist.send(Map.of("type", "message", "client_id", "after-typing", "channel_id", group.toString(), "content", "hi"));
            watcher.await(f -> "message".equals(f.path("type").asText()), WAIT); // everything before it has arrived
            List<JsonNode> typing = new ArrayList<>(watcher.received("typing"));
            assertThat(typing).extracting(f -> f.path("state").asText()).containsExactly("start", "stop");

            // a message ends the typing: typing the next one shows at once, not an interval later
            typist.send(Map.of("type", "typing_start", "channel_id", group.toString()));
            watcher.awaitCount("typing", 3, WAIT);
        }
    }
}
