package dev.chat.gateway;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Connections: authentication, slow consumers, dead peers and presence, typing, shutdown.
 * The gateway here pings every 200 ms and drops a socket after 1.5 s without a pong.
 */
class GatewayConnectionsIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Fixtures fixtures;
    private static ServiceRuntime gateway;

    @BeforeAll
    static void start() {
        fixtures = new Fixtures();
        gateway = GatewayMain.start(fixtures.config(Map.of(
                "gateway.pingintervalmillis", "200",
                "gateway.pongtimeoutmillis", "1500",
                "gateway.presencesweepmillis", "200",
                "gateway.outboxcapacity", "32",
                "gateway.maxcontentchars", "60000",
                "gateway.maxframechars", "70000")));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        fixtures.close();
    }

    @Test
    void missingForgedOrExpiredTokenIsRefusedWith401BeforeUpgrade() {
        long user = fixtures.user("mallory");
        String forged = JWT.create().withIssuer("chat").withSubject(Long.toString(user))
                .withExpiresAt(java.time.Instant.now().plusSeconds(600)).sign(Algorithm.HMAC256("x".repeat(40)));
        String expired = fixtures.tokens().issue(user, Duration.ofMinutes(-5));
        for (String token : new String[] {null, "", "garbage", forged, expired}) {
            WebSocket.Builder builder = HTTP.newWebSocketBuilder();
            if (token != null) {
                builder.header("Authorization", "Bearer " + token);
            }
            assertThatThrownBy(() -> builder.buildAsync(URI.create("ws://127.0.0.1:" + gateway.port() + "/ws"),
                    new WebSocket.Listener() { }).join())
                    .as("token %s", token)
                    .isInstanceOf(CompletionException.class)
                    .cause().isInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
        }
    }

    @Test
    void tokenInQueryParameterAuthenticatesTheSocketAsItsUser() {
        long user = fixtures.user("browser");
        try (ChatClient browser = ChatClient.connectWithQueryToken(gateway.port(), fixtures.token(user))) {
            JsonNode hello = browser.awaitHello();
            assertThat(hello.path("user_id").asLong()).isEqualTo(user);
        }
    }

    @Test
    void socketThatNeverReadsIsClosedAsSlowWhileOthersKeepReceiving() throws Exception {
        long sender = fixtures.user("sender");
        long reader = fixtures.user("reader");
        long sloth = fixtures.user("sloth");
        UUID group = fixtures.channel("group", sender, reader, sloth);
        // default pings (30 s): the silent socket must be caught by its full queue, not by the pong timeout
        ServiceRuntime slowGateway = GatewayMain.start(fixtures.config(Map.of("gateway.outboxcapacity", "32",
                "gateway.maxcontentchars", "60000", "gateway.maxframechars", "70000", "gateway.framespersecond", "1000")));
        double slowBefore = metric(slowGateway.port(), "chat_gateway_slow_consumers_total");
        try (slowGateway;
             ChatClient senderSocket = ChatClient.connect(slowGateway.port(), fixtures.token(sender));
             ChatClient readerSocket = ChatClient.connect(slowGateway.port(), fixtures.token(reader));
             SilentClient slothSocket = SilentClient.connect(slowGateway.port(), fixtures.token(sloth))) {
            String big = "z".repeat(20_000);
            int count = 300; // 6 MB: more than the socket buffers of a peer that never reads
            for (int i = 0; i < count; i++) {
                senderSocket.send(Map.of("type", "message", "channel_id", group.toString(), "client_id", "big-" + i,
                        "content", i + big));
                senderSocket.awaitCount("ack", i + 1, WAIT);
            }
            readerSocket.awaitCount("message", count, Duration.ofSeconds(60));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (metric(slowGateway.port(), "chat_gateway_slow_consumers_total") <= slowBefore
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(metric(slowGateway.port(), "chat_gateway_slow_consumers_total")).isGreaterThan(slowBefore);
            assertThat(slothSocket.awaitClose(WAIT)).as("closed as slow (1008) or cut off").isIn(1008, -1);
            assertThat(readerSocket.isClosed()).isFalse();
        }
    }

    @Test
    void silentDeviceIsDroppedAndUserGoesOfflineOnlyWhenLastDeviceIsGone() throws Exception {
        long watcher = fixtures.user("watcher");
        long walker = fixtures.user("walker");
        fixtures.channel("group", watcher, walker); // presence is only for users who share a channel
        try (ChatClient watching = ChatClient.connect(gateway.port(), fixtures.token(watcher))) {
            watching.send(Map.of("type", "subscribe_presence", "user_ids", new long[] {walker}));
            watching.await(f -> isPresence(f, walker, "offline"), WAIT);

            ChatClient phone = ChatClient.connect(gateway.port(), fixtures.token(walker));
            SilentClient deadLaptop = SilentClient.connect(gateway.port(), fixtures.token(walker));
            watching.await(f -> isPresence(f, walker, "online"), WAIT);
            phone.send(Map.of("type", "heartbeat"));

            // the laptop answers no pings: dropped after the pong timeout (1.5 s); the phone, which
            // answers them and sends heartbeats, keeps the user online
            double deadBefore = metric(gateway.port(), "chat_gateway_dead_peers_total");
            long dropDeadline = System.nanoTime() + WAIT.toNanos();
            while (metric(gateway.port(), "chat_gateway_dead_peers_total") <= deadBefore && System.nanoTime() < dropDeadline) {
                phone.send(Map.of("type", "heartbeat"));
                pause(250);
            }
            assertThat(metric(gateway.port(), "chat_gateway_dead_peers_total")).as("the silent laptop was dropped")
                    .isGreaterThan(deadBefore);
            assertThat(phone.isClosed()).as("a device that answers pings stays connected").isFalse();
            assertThat(watching.received("presence")).noneMatch(f -> isPresence(f, walker, "offline")
                    && watching.received("presence").indexOf(f) > 0);

            assertThat(deadLaptop.awaitClose(WAIT)).as("dropped for answering no ping").isEqualTo(1011);
            phone.close();
            JsonNode offline = watching.await(f -> isPresence(f, walker, "offline")
                    && watching.received("presence").indexOf(f) > 0, WAIT);
            assertThat(offline.path("last_seen_at").asText()).isNotEmpty();
            deadLaptop.close();
        }
    }

    @Test
    void aUserWhoseGatewayDiedIsAnnouncedOfflineOnceTheirDeviceExpires() throws Exception {
        long watcher = fixtures.user("watcher");
        long ghost = fixtures.user("ghost");
        fixtures.channel("group", watcher, ghost);
        // a device that a gateway registered and then died with: no close, no offline, only its expiry
        long expiresAt = System.currentTimeMillis() + 1_500;
        try (dev.chat.common.runtime.RedisConnection redis = dev.chat.common.runtime.RedisConnection.open("test",
                dev.chat.common.runtime.BackendSettings.create(fixtures.config(Map.of())));
             ChatClient watching = ChatClient.connect(gateway.port(), fixtures.token(watcher))) {
            redis.client().getScoredSortedSet(dev.chat.common.keys.PresenceKeys.devices(ghost), org.redisson.client.codec.StringCodec.INSTANCE)
                    .add(expiresAt, "dead-gateway-1");
            var expiries = redis.client().getScoredSortedSet(dev.chat.common.keys.PresenceKeys.expiries(ghost),
                    org.redisson.client.codec.StringCodec.INSTANCE);
            expiries.add(expiresAt, ghost + "/dead-gateway-1");

            watching.send(Map.of("type", "subscribe_presence", "user_ids", new long[] {ghost}));
            watching.await(f -> isPresence(f, ghost, "online"), WAIT);
            watching.await(f -> isPresence(f, ghost, "offline"), WAIT);
            assertThat(System.currentTimeMillis()).as("not before the device expired").isGreaterThanOrEqualTo(expiresAt);
            // a sweeper takes the device (ZREM) before it announces: once it is gone, nobody can announce it again
            assertThat(expiries.contains(ghost + "/dead-gateway-1")).isFalse();
            assertThat(watching.received("presence").stream().filter(f -> isPresence(f, ghost, "offline")))
                    .as("announced once").hasSize(1);
        }
    }

    @Test
    void typingIsFannedOutWithExpiryAndNeverStored() {
        long typist = fixtures.user("typist");
        long reader = fixtures.user("reader");
        UUID group = fixtures.channel("group", typist, reader);
        try (ChatClient typing = ChatClient.connect(gateway.port(), fixtures.token(typist));
             ChatClient reading = ChatClient.connect(gateway.port(), fixtures.token(reader))) {
            typing.send(Map.of("type", "typing_start", "channel_id", group.toString()));
            JsonNode start = reading.await(f -> "typing".equals(f.path("type").asText()), WAIT);
            assertThat(start.path("user_id").asLong()).isEqualTo(typist);
            assertThat(start.path("state").asText()).isEqualTo("start");
            assertThat(start.path("expires_in_ms").asLong()).isBetween(3000L, 5000L);
            typing.send(Map.of("type", "typing_stop", "channel_id", group.toString()));
            reading.await(f -> "stop".equals(f.path("state").asText()), WAIT);
            assertThat(fixtures.storedMessageIds(group)).isEmpty();
        }
    }

    @Test
    void sigtermDrainsSocketsWith1012AndTheProcessExitsWithinTheBound() throws Exception {
        StackSettings settings = LocalStack.shared().settings();
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ServiceProcess process = ServiceProcess.launch(settings.home(), "gateway", "gateway-sigterm-it", port,
                LocalStack.shared().endpoints().serviceEnvironment(), settings.logDir(), "256m");
        try {
            process.awaitReady(Duration.ofSeconds(60));
            long user = fixtures.user("leaver");
            try (ChatClient client = ChatClient.connect(port, fixtures.token(user))) {
                client.send(Map.of("type", "subscribe_presence", "user_ids", new long[] {user}));
                client.await(f -> "presence".equals(f.path("type").asText()), WAIT); // registered
                long start = System.nanoTime();
                ProcessHandle handle = ProcessHandle.of(process.process().pid()).orElseThrow();
                handle.destroy(); // SIGTERM: a drain (readiness off, 1012 "service restart": reconnect elsewhere)
                assertThat(client.awaitClose(Duration.ofSeconds(10))).isEqualTo(1012);
                handle.onExit().get(15, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
            }
        } finally {
            process.kill();
        }
    }

    private static boolean isPresence(JsonNode frame, long user, String status) {
        return "presence".equals(frame.path("type").asText()) && frame.path("user_id").asLong() == user
                && status.equals(frame.path("status").asText());
    }

    private static double metric(int port, String name) throws Exception {
        String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().filter(l -> l.startsWith(name)).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
