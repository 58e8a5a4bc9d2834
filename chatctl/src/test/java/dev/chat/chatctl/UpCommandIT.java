package dev.chat.chatctl;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;
import dev.chat.localstack.ChatHome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code bin/chatctl up --gateways 2 --persisters 2 --apis 2 --redis-cluster} as an operator
 * would, on its own stack directory and free ports: every service answers, users chat across two
 * gateways (on the Redis Cluster, sharded Pub/Sub), {@code chatctl bench} runs against it, the browser client works in Chromium (Playwright), a chat service or a
 * backing server that is SIGKILLed is started again with nothing acked lost, and Ctrl-C (SIGINT)
 * leaves no process behind.
 */
class UpCommandIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static Path home;
    private static Path stackDir;
    private static Path output;
    private static int api;
    private static int gateway;
    private static int persister;
    private static int notifier;
    private static Map<String, String> env;
    private static Process up;

    @BeforeAll
    static void startTheSystem() throws Exception {
        home = ChatHome.locate();
        stackDir = home.resolve("chatctl/target/up-it-stack");
        output = home.resolve("chatctl/target/up-it.out");
        Set<Integer> taken = new HashSet<>();
        api = freePorts(taken, UpCommand.INSTANCE_PORT_STEP);
        gateway = freePorts(taken, 1);
        persister = freePorts(taken, UpCommand.INSTANCE_PORT_STEP);
        notifier = freePort(taken);
        env = new HashMap<>();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("CHAT_STACK_DIR", stackDir.toString());
        for (String key : List.of("REDIS_PORT", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "CASSANDRA_PORT",
                "CASSANDRA_STORAGE_PORT", "POSTGRES_PORT", "S3_PORT")) {
            env.put("CHAT_STACK_" + key, Integer.toString(freePort(taken)));
        }
        // three cluster nodes and their cluster bus ports (+ 10000)
        env.put("CHAT_STACK_REDIS_CLUSTER_PORT", Integer.toString(freePorts(taken, 1, 2, 10_000, 10_001, 10_002)));
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/chatctl").toString(), "up",
                "--gateways", "2", "--persisters", "2", "--apis", "2", "--redis-cluster", "--api-port", Integer.toString(api), "--gateway-port", Integer.toString(gateway),
                "--persister-port", Integer.toString(persister), "--notifier-port", Integer.toString(notifier))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(env);
        up = builder.start();
        awaitOutput(up, output, "The chat system is up", Duration.ofMinutes(5));
    }

    @Test
    void everyServiceAnswersItsHealthCheck() throws Exception {
        for (int port : List.of(api, api + UpCommand.INSTANCE_PORT_STEP, gateway, gateway + 1, persister,
                persister + UpCommand.INSTANCE_PORT_STEP, notifier)) {
            assertThat(status("http://127.0.0.1:" + port + "/observe/health")).as("health on " + port).isEqualTo(200);
        }
    }

    @Test
    void aServiceThatDiesIsStartedAgainWhileTheOthersKeepRunning() throws Exception {
        ProcessHandle victim = up.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("chat-persister.jar"))
                .findFirst().orElseThrow(() -> new AssertionError("no persister process under chatctl up"));
        victim.destroyForcibly(); // SIGKILL, as a crash
        victim.onExit().get(10, TimeUnit.SECONDS);
        awaitOutput(up, output, "exited unexpectedly", Duration.ofSeconds(30));
        String name = Files.readString(output).lines().filter(l -> l.contains("exited unexpectedly")).findFirst()
                .orElseThrow().split(" ")[0];
        assertThat(name).startsWith("persister-");
        for (int port : List.of(api, gateway, gateway + 1)) {
            assertThat(status("http://127.0.0.1:" + port + "/observe/health")).as("still up: " + port).isEqualTo(200);
        }
        awaitOutput(up, output, name + " is back", Duration.ofSeconds(120));
        for (int port : List.of(persister, persister + UpCommand.INSTANCE_PORT_STEP)) {
            assertThat(status("http://127.0.0.1:" + port + "/observe/health")).isEqualTo(200);
        }
        assertThat(up.isAlive()).isTrue();
    }

    @Test
    void aBackingServerThatIsKilledIsStartedAgainAndNothingAckedIsLost() throws Exception {
        JsonNode alice = post(api, "/api/v1/dev/login", null, "{\"name\":\"kills-" + UUID.randomUUID() + "\"}");
        String token = alice.path("token").asText();
        String channel = post(api, "/api/v1/channels", token, "{\"name\":\"kills\",\"type\":\"group\",\"member_ids\":["
                + alice.path("user_id").asLong() + "]}").path("channel_id").asText();
        List<String> acked = new ArrayList<>();
        for (String server : List.of("redis-cluster", "kafka", "postgres", "cassandra", "s3proxy", "redis")) {
            long pid = recordedPids().get(server).getFirst();
            ProcessHandle victim = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(server + " is not running"));
            victim.destroyForcibly(); // SIGKILL
            victim.onExit().get(10, TimeUnit.SECONDS);
            // a send while it is down: acked once the system can keep it (retried with the same client_id)
            acked.add(sendUntilAcked(token, channel, "while-" + server + "-down"));
            awaitOutput(up, output, server + " is back", Duration.ofMinutes(3));
            assertThat(Files.readString(output)).contains(server + " exited unexpectedly (see " + stackDir.resolve("logs"));
            assertThat(recordedPids().get(server)).as("the new " + server + " is recorded").doesNotContain(pid);
            acked.add(sendUntilAcked(token, channel, "after-" + server + "-back"));
        }
        // the persister stores in rounds of up to a second, and it was killed too: wait for history
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<String> stored = new ArrayList<>();
            get(api, "/api/v1/channels/" + channel + "/messages?limit=100", token).path("messages")
                    .forEach(message -> stored.add(message.path("message_id").asText()));
            assertThat(stored).as("every acked message stored once").containsExactlyInAnyOrderElementsOf(acked);
        });
        assertThat(up.isAlive()).isTrue();
    }

    /** @return the message_id of a message sent on a fresh socket, retried with the same client_id until acked (3 min) */
    private static String sendUntilAcked(String token, String channel, String clientId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String frame = "{\"type\":\"message\",\"channel_id\":\"" + channel + "\",\"client_id\":\"" + clientId
                + "\",\"content\":\"" + clientId + "\"}";
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try (WsProbe socket = new WsProbe(gateway, token)) {
                socket.send(frame);
                JsonNode answer = socket.await(f -> clientId.equals(f.path("client_id").asText())
                        && List.of("ack", "error").contains(f.path("type").asText()), Duration.ofSeconds(15));
                if ("ack".equals(answer.path("type").asText())) {
                    return answer.path("message_id").asText();
                }
                last = new AssertionError(answer.toString());
            } catch (AssertionError | RuntimeException e) {
                last = e; // the socket could not be opened or answered nothing yet: try again
            }
            TimeUnit.SECONDS.sleep(1);
        }
        throw new AssertionError(clientId + " was never acked", last);
    }

    /** @return the backing servers' pids as the stack recorded them */
    private static Map<String, List<Long>> recordedPids() throws IOException {
        java.util.Properties recorded = new java.util.Properties();
        try (var reader = Files.newBufferedReader(stackDir.resolve("stack.properties"))) {
            recorded.load(reader);
        }
        Map<String, List<Long>> pids = new HashMap<>();
        recorded.stringPropertyNames().stream().filter(key -> key.endsWith(".pids")).forEach(key -> pids.put(
                key.substring(0, key.length() - ".pids".length()), java.util.Arrays.stream(recorded.getProperty(key).split(","))
                        .filter(pid -> !pid.isBlank()).map(pid -> Long.parseLong(pid.strip())).toList()));
        return pids;
    }

    @Test
    void operatorCommandsReadTheRedisClusterTheServicesUseWithoutBeingTold() throws Exception {
        JsonNode dora = post(api, "/api/v1/dev/login", null, "{\"name\":\"dora-" + UUID.randomUUID() + "\"}");
        try (WsProbe socket = new WsProbe(gateway + 1, dora.path("token").asText())) {
            socket.await(f -> "hello".equals(f.path("type").asText()), Duration.ofSeconds(30));
            String connections = chatctl("connections", "--json");
            assertThat(connections).contains("\"gateway-1\"").contains("\"gateway-2\"");
            String presence = chatctl("presence", dora.path("user_id").asText(), "--json");
            assertThat(presence).contains("\"online\"");
            // told to read the single node, which the gateways do not use: it says so and fails
            String single = "redis://127.0.0.1:" + env.get("CHAT_STACK_REDIS_PORT");
            ProcessBuilder wrong = new ProcessBuilder(home.resolve("bin/chatctl").toString(), "presence",
                    dora.path("user_id").asText(), "--redis", single).redirectErrorStream(true);
            wrong.environment().putAll(env);
            Process process = wrong.start();
            String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(printed).isEqualTo(ChatCtl.FAILED);
            assertThat(printed).contains("no gateway has reported to Redis at " + single);
        }
    }

    /** @return what {@code bin/chatctl ARGS} prints, run as an operator would (the stack's directory, no Redis flags) */
    private static String chatctl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/chatctl").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", args) + ":%n%s", printed).isZero();
        return printed;
    }

    @Test
    void theReadmesIntegratorRecipeRunsTwiceAsWritten() throws Exception {
        String readme = Files.readString(home.resolve("README.md"));
        int start = readme.indexOf("```bash\nset -euo pipefail");
        assertThat(start).as("the recipe in README.md").isPositive();
        String recipe = readme.substring(start + "```bash\n".length(), readme.indexOf("```", start + 8));
        Path script = home.resolve("chatctl/target/integrator-recipe.sh");
        Files.writeString(script, recipe);
        int hookPort = freePort(new HashSet<>());
        for (int run = 1; run <= 2; run++) {
            ProcessBuilder bash = new ProcessBuilder("bash", script.toString()).directory(home.toFile()).redirectErrorStream(true);
            bash.environment().putAll(env);
            bash.environment().put("CHAT_API", "http://127.0.0.1:" + api + "/api/v1");
            bash.environment().put("HOOK_PORT", Integer.toString(hookPort));
            bash.environment().put("POSTGRES_URL", "jdbc:postgresql://127.0.0.1:" + env.get("CHAT_STACK_POSTGRES_PORT") + "/chat");
            Process process = bash.start();
            String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as("run %d:%n%s", run, printed).isZero();
            assertThat(printed).as("run %d: the receiver got the message, signature checked", run)
                    .contains("\"content\": \"v1.4.2 is live\"");
            assertThat(printed).as("run %d: the delivery log", run).contains("\"status\":204");
        }
    }

    @Test
    void usersChatThroughTheRunningSystem() throws Exception {
        // through the second api: the first serves the bot, bench and browser tests
        chatAcrossTheRunningSystem(api + UpCommand.INSTANCE_PORT_STEP, gateway, gateway + 1);
    }

    @Test
    void anIntegratorsBotSendsOverRestAndItsWebhookReceivesTheMessageSigned() throws Exception {
        // as in the README's section for integrators
        java.io.StringWriter out = new java.io.StringWriter();
        int code = ChatCtl.commandLine(new java.io.PrintWriter(out, true), new java.io.PrintWriter(new java.io.StringWriter(), true))
                .execute("bots", "create", "deploy-bot-" + UUID.randomUUID().toString().substring(0, 8), "--json",
                        "--postgres", "jdbc:postgresql://127.0.0.1:" + env.get("CHAT_STACK_POSTGRES_PORT") + "/chat");
        assertThat(code).as(out.toString()).isZero();
        JsonNode bot = Json.tree(out.toString());
        String token = bot.path("token").asText();
        java.util.concurrent.BlockingQueue<String[]> received = new java.util.concurrent.LinkedBlockingQueue<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 10);
        receiver.createContext("/hook", exchange -> {
            received.add(new String[] {exchange.getRequestHeaders().getFirst("webhook-id"),
                exchange.getRequestHeaders().getFirst("webhook-timestamp"), exchange.getRequestHeaders().getFirst("webhook-signature"),
                new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)});
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String channel = post(api, "/api/v1/channels", token, "{\"type\":\"group\",\"name\":\"deploys\",\"member_ids\":["
                    + bot.path("user_id").asLong() + "]}").path("channel_id").asText();
            String secret = post(api, "/api/v1/channels/" + channel + "/webhooks", token, "{\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\",\"events\":[\"message\"]}").path("secret").asText();
            String messageId = post(api, "/api/v1/channels/" + channel + "/messages", token,
                    "{\"client_id\":\"deploy-42\",\"content\":\"v1.4.2 deployed\"}").path("message_id").asText();
            String[] delivery = received.poll(60, TimeUnit.SECONDS);
            assertThat(delivery).as("the webhook was called").isNotNull();
            assertThat(delivery[0]).isEqualTo("msg_" + messageId);
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(java.util.Base64.getDecoder().decode(secret.substring("whsec_".length())),
                    "HmacSHA256"));
            String expected = "v1," + java.util.Base64.getEncoder().encodeToString(mac.doFinal(
                    (delivery[0] + "." + delivery[1] + "." + delivery[3]).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(delivery[2]).isEqualTo(expected);
            assertThat(Json.tree(delivery[3]).path("data").path("content").asText()).isEqualTo("v1.4.2 deployed");
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void benchRunsASmallLoadWithoutLoss() throws Exception {
        benchASmallRun(api, gateway, gateway + 1, env);
    }

    @Test
    void theBrowserClientWorksInChromium() throws Exception {
        Path tests = home.resolve("browser-tests");
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        boolean node = new ProcessBuilder("node", "--version").start().waitFor() == 0;
        assumeTrue(Files.isExecutable(chromium) && node && Files.isDirectory(tests.resolve("node_modules/playwright-core")),
                "browser tests skipped: they need Chromium at " + chromium + " (apt-get install chromium), Node.js, and"
                        + " 'npm ci' in browser-tests/ — .ci/run does all three");
        Path log = home.resolve("chatctl/target/browser-tests.out");
        ProcessBuilder node20 = new ProcessBuilder("node", "--test", "chat.spec.mjs")
                .directory(tests.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        node20.environment().put("CHAT_URL", "http://127.0.0.1:" + api);
        node20.environment().put("CHROMIUM", chromium.toString());
        node20.environment().put("SCREENSHOT", home.resolve("chatctl/target/browser-alice.png").toString());
        Process run = node20.start();
        boolean finished = run.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            run.descendants().forEach(ProcessHandle::destroyForcibly);
            run.destroyForcibly();
        }
        String printed = Files.readString(log);
        assertThat(finished).as("browser tests finished in time:%n%s", printed).isTrue();
        assertThat(run.exitValue()).as(printed).isZero();
        assertThat(printed).contains("# pass 1").contains("# fail 0");
    }

    @AfterAll
    static void sigintStopsEveryProcess() throws Exception {
        List<ProcessHandle> children = new ArrayList<>();
        try {
            children.addAll(up.descendants().toList());
            Files.readAllLines(stackDir.resolve("postgres/postmaster.pid")).stream().findFirst()
                    .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid.strip())))
                    .ifPresent(children::add);
            assertThat(children).as("redis, 3 cluster nodes, kafka, cassandra, postgres, s3proxy, 2 persisters,"
                    + " notifier, 2 apis, 2 gateways").hasSizeGreaterThanOrEqualTo(15);
            // Ctrl-C; but a process started from a background job inherits SIGINT ignored (the JVM then
            // cannot see it), and chatctl up stops the same way on SIGTERM: send that one there
            String signal = ignoresSigint(up.pid()) ? "-TERM" : "-INT";
            new ProcessBuilder("kill", signal, Long.toString(up.pid())).start().waitFor();
            assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("chatctl up exits after kill " + signal).isTrue();
        } finally {
            up.descendants().forEach(ProcessHandle::destroyForcibly);
            up.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.onExit().get(30, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("process %d left running", child.pid()).isFalse();
        }
        assertThat(Files.readString(output)).contains("Stopped.");
        assertThat(stackDir.resolve("stack.properties")).doesNotExist();
    }

    /** @return whether the process ignores SIGINT (bit 2 of SigIgn in /proc/PID/status) */
    private static boolean ignoresSigint(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(line -> line.startsWith("SigIgn:"))
                .anyMatch(line -> (Long.parseLong(line.substring(7).strip(), 16) & 0x2) != 0);
    }

    /**
     * What a user of the running system does: log in, create a channel, chat across two gateways,
     * read history, mark read, add a member who then receives messages.
     */
    private static void chatAcrossTheRunningSystem(int api, int gateway1, int gateway2) throws Exception {
        Duration wait = Duration.ofSeconds(30);
        JsonNode alice = post(api, "/api/v1/dev/login", null, "{\"name\":\"alice-" + UUID.randomUUID() + "\"}");
        JsonNode bob = post(api, "/api/v1/dev/login", null, "{\"name\":\"bob-" + UUID.randomUUID() + "\"}");
        JsonNode carol = post(api, "/api/v1/dev/login", null, "{\"name\":\"carol-" + UUID.randomUUID() + "\"}");
        String channel = post(api, "/api/v1/channels", alice.path("token").asText(), "{\"name\":\"e2e\",\"type\":\"group\","
                + "\"member_ids\":[" + alice.path("user_id").asLong() + "," + bob.path("user_id").asLong() + "]}")
                .path("channel_id").asText();
        try (WsProbe aliceSocket = new WsProbe(gateway1, alice.path("token").asText());
             WsProbe bobSocket = new WsProbe(gateway2, bob.path("token").asText());
             WsProbe carolSocket = new WsProbe(gateway1, carol.path("token").asText())) {
            aliceSocket.send("{\"type\":\"message\",\"channel_id\":\"" + channel + "\",\"client_id\":\"e2e-1\",\"content\":\"hi bob\"}");
            String messageId = aliceSocket.await(f -> "ack".equals(f.path("type").asText()), wait).path("message_id").asText();
            assertThat(bobSocket.await(f -> "message".equals(f.path("type").asText()), wait).path("message_id").asText())
                    .isEqualTo(messageId);

            // history lags the live stream by up to the persister's round (1 s); polled within the api's rate limit
            JsonNode history = await().atMost(wait).pollInterval(Duration.ofMillis(100))
                    .until(() -> get(api, "/api/v1/channels/" + channel + "/messages", bob.path("token").asText()),
                            page -> !page.path("messages").isEmpty());
            assertThat(history.path("messages").get(0).path("message_id").asText()).isEqualTo(messageId);

            put(api, "/api/v1/channels/" + channel + "/read", bob.path("token").asText(),
                    "{\"last_read_message_id\":\"" + messageId + "\"}");
            assertThat(aliceSocket.await(f -> "read_receipt".equals(f.path("type").asText()), wait).path("user_id").asLong())
                    .isEqualTo(bob.path("user_id").asLong());

            post(api, "/api/v1/channels/" + channel + "/members", alice.path("token").asText(),
                    "{\"user_id\":" + carol.path("user_id").asLong() + "}");
            bobSocket.await(f -> "member_joined".equals(f.path("type").asText()), wait);
            long joinDeadline = System.nanoTime() + wait.toNanos();
            boolean delivered = false;
            for (int i = 0; !delivered && System.nanoTime() < joinDeadline; i++) {
                // the gateway subscribes carol's socket when member_joined arrives; retry until it has
                aliceSocket.send("{\"type\":\"message\",\"channel_id\":\"" + channel + "\",\"client_id\":\"e2e-join-" + i
                        + "\",\"content\":\"welcome carol\"}");
                try {
                    carolSocket.await(f -> "message".equals(f.path("type").asText()), Duration.ofSeconds(2));
                    delivered = true;
                } catch (AssertionError notYet) {
                    // next try
                }
            }
            assertThat(delivered).as("a member added through the api receives messages on her open socket").isTrue();
        }
    }

    /** chatctl bench against the running system: a small fan-out run loses nothing; idle sockets open. */
    private static void benchASmallRun(int api, int gateway1, int gateway2, Map<String, String> env) throws Exception {
        String[] gateways = {"--gateway", "ws://127.0.0.1:" + gateway1 + "/ws", "--gateway", "ws://127.0.0.1:" + gateway2 + "/ws"};
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        Path record = home.resolve("chatctl/target/up-it-run.jsonl");
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--api", "http://127.0.0.1:" + api,
                "--channels", "3", "--members", "4", "--senders", "2", "--rate", "60", "--duration", "PT3S", "--json",
                "--record", record.toString(), "--cassandra", "127.0.0.1:" + env.get("CHAT_STACK_CASSANDRA_PORT")));
        args.addAll(List.of(gateways));
        int code = ChatCtl.commandLine(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true))
                .execute(args.toArray(String[]::new));
        assertThat(code).as(out + "\n" + err).isZero();
        JsonNode report = Json.tree(out.toString());
        assertThat(report.path("sent").asLong()).isBetween(150L, 190L);
        assertThat(report.path("acked").asLong()).isEqualTo(report.path("sent").asLong());
        assertThat(report.path("delivered").asLong()).isEqualTo(report.path("expected_deliveries").asLong())
                .isEqualTo(report.path("sent").asLong() * 4);
        assertThat(report.path("lost").asLong()).isZero();
        assertThat(report.path("duplicated").asLong()).isZero();
        assertThat(report.path("out_of_order").asLong()).isZero();
        assertThat(report.path("send_to_receive").path("p50_ms").asDouble()).isPositive();
        // Cassandra's own request counters over the window: the persister stored the run's messages
        assertThat(report.path("cassandra").path("cql_requests").asLong()).as(out.toString()).isPositive();
        assertThat(report.path("cassandra").path("cql_requests_per_message").asDouble()).isPositive();

        // what the bench's clients saw, against what Cassandra holds
        java.io.StringWriter verified = new java.io.StringWriter();
        int verifyCode = ChatCtl.commandLine(new java.io.PrintWriter(verified, true), new java.io.PrintWriter(err, true))
                .execute("verify", "--record", record.toString(), "--json",
                        "--cassandra", "127.0.0.1:" + env.get("CHAT_STACK_CASSANDRA_PORT"));
        assertThat(verifyCode).as(verified + "\n" + err).isZero();
        JsonNode verification = Json.tree(verified.toString());
        assertThat(verification.path("clean").asBoolean()).isTrue();
        assertThat(verification.path("acked").asLong()).as("warm-up and counted sends").isGreaterThanOrEqualTo(report.path("acked").asLong());
        assertThat(verification.path("stored").asLong()).isEqualTo(verification.path("acked").asLong());

        java.io.StringWriter idleOut = new java.io.StringWriter();
        List<String> idleArgs = new java.util.ArrayList<>(List.of("bench", "--connections", "300", "--json"));
        idleArgs.addAll(List.of(gateways));
        // tokens are signed with the same (local default) secret the running gateways use
        int idleCode = ChatCtl.commandLine(new java.io.PrintWriter(idleOut, true), new java.io.PrintWriter(err, true))
                .execute(idleArgs.toArray(String[]::new));
        assertThat(idleCode).as(idleOut + "\n" + err).isZero();
        assertThat(Json.tree(idleOut.toString()).path("open").asInt()).isEqualTo(300);
    }

    private static JsonNode post(int port, String path, String token, String body) throws Exception {
        return send(port, path, token, "POST", body);
    }

    private static JsonNode put(int port, String path, String token, String body) throws Exception {
        return send(port, path, token, "PUT", body);
    }

    private static JsonNode get(int port, String path, String token) throws Exception {
        return send(port, path, token, "GET", null);
    }

    private static JsonNode send(int port, String path, String token, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        request.header("Content-Type", "application/json").method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 201);
        return Json.tree(response.body());
    }

    private static void awaitOutput(Process process, Path output, String text, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(250))
                .failFast(() -> assertThat(process.isAlive()).as("chatctl up exited early:%n%s", Files.readString(output)).isTrue())
                .untilAsserted(() -> assertThat(Files.exists(output) ? Files.readString(output) : "")
                        .as("'%s' printed within %s", text, timeout).contains(text));
    }

    private static int status(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /**
     * A free port below Linux's ephemeral range (32768+), so an outgoing connection of one of the
     * many clients starting meanwhile cannot take it before the service binds it.
     */
    private static int freePort(Set<Integer> taken) throws IOException {
        while (true) {
            int candidate = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
            if (taken.contains(candidate)) {
                continue;
            }
            try (ServerSocket ignored = new ServerSocket(candidate)) {
                taken.add(candidate);
                return candidate;
            } catch (IOException busy) {
                // another one
            }
        }
    }

    /** @return a free port p such that p + each offset is free too (all taken afterwards) */
    private static int freePorts(Set<Integer> taken, int... offsets) throws IOException {
        while (true) {
            int first = freePort(taken);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int offset : offsets) {
                    if (taken.contains(first + offset)) {
                        throw new IOException("taken");
                    }
                    held.add(new ServerSocket(first + offset));
                }
                for (int offset : offsets) {
                    taken.add(first + offset);
                }
                return first;
            } catch (IOException busy) {
                // try another
            } finally {
                for (ServerSocket socket : held) {
                    socket.close();
                }
            }
        }
    }
}
