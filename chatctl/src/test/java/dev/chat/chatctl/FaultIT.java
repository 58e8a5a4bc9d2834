package dev.chat.chatctl;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.chat.common.auth.Tokens;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Faults under load on the real stack: two gateways and a persister as processes, clients that
 * reconnect, resume and retry with the same client_id ({@link FaultLoad}); after each fault the
 * run is checked against Cassandra as {@code chatctl verify} does. Every fault: no acked message
 * lost, none stored twice, history in seq order, no phantom unless its sender gave up; the time
 * until sends are acked again after the fault ends is printed (and written to
 * {@code chatctl/target/fault-report.txt}). Faults on Redis, Kafka and Cassandra need a stack this
 * JVM owns: they are skipped while {@code chatctl up} runs.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class FaultIT {

    private static final int CHANNELS = 6;
    private static final int RATE = 30;
    private static final Duration BEFORE = Duration.ofSeconds(3);
    private static final Duration AFTER = Duration.ofSeconds(8);
    private static final Duration PAUSE = Duration.ofSeconds(20);
    private static final Duration FINISH = Duration.ofSeconds(90);

    private static LocalStack stack;
    private static StackSettings settings;
    private static Tokens tokens;
    private static CassandraConnection cassandra;
    private static final List<ServiceProcess> gateways = new ArrayList<>();
    private static final List<Integer> gatewayPorts = new ArrayList<>();
    private static ServiceProcess persister;
    private static int persisterPort;
    private static Path report;

    @BeforeAll
    static void start() throws Exception {
        stack = LocalStack.shared();
        settings = stack.settings();
        var config = ServiceConfig.load(stack.endpoints().serviceConfig());
        tokens = Tokens.create(config);
        cassandra = CassandraConnection.open("fault-it", BackendSettings.create(config));
        for (int i = 0; i < 2; i++) {
            gatewayPorts.add(freePort());
            gateways.add(launch("gateway", "gateway-fault-" + (i + 1), gatewayPorts.get(i)));
        }
        persisterPort = freePort();
        persister = launch("persister", "persister-fault", persisterPort);
        for (ServiceProcess service : allServices()) {
            service.awaitReady(Duration.ofSeconds(90));
        }
        report = settings.home().resolve("chatctl/target/fault-report.txt");
        Files.writeString(report, String.format("%-40s %6s %6s %6s %7s %8s %10s %11s %12s%n", "fault", "sent", "acked",
                "stored", "gave_up", "phantoms", "reconnects", "order_seen", "recovered_ms"), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        allServices().forEach(ServiceProcess::stop);
        if (cassandra != null) {
            cassandra.close();
        }
    }

    @Test
    void aGatewayKilledMidLoad() throws Exception {
        run("gateway SIGKILL, restarted after 5 s", () -> gateways.getFirst().kill(), () -> {
            Thread.sleep(5_000);
            restartGateway(0);
        });
    }

    @Test
    void aGatewayStoppedWithSigtermUnderLoad() throws Exception {
        run("gateway SIGTERM, restarted", () -> gateways.get(1).stop(), () -> restartGateway(1));
    }

    @Test
    void thePersisterKilledMidBatch() throws Exception {
        run("persister SIGKILL, restarted after 5 s", () -> persister.kill(), () -> {
            Thread.sleep(5_000);
            persister = launch("persister", "persister-fault", persisterPort);
            persister.awaitReady(Duration.ofSeconds(90));
        });
    }

    @Test
    void redisKilledAndRestartedEmpty() throws Exception {
        ownedStack();
        run("Redis SIGKILL, restarted empty", () -> stack.signalServer("redis", "KILL"), () -> {
            Thread.sleep(2_000);
            stack.startServer("redis");
        });
    }

    @Test
    void redisPaused() throws Exception {
        ownedStack();
        paused("redis");
    }

    @Test
    void kafkaPaused() throws Exception {
        ownedStack();
        paused("kafka");
    }

    @Test
    void cassandraPaused() throws Exception {
        ownedStack();
        paused("cassandra");
    }

    private void paused(String server) throws Exception {
        run(server + " SIGSTOP " + PAUSE.toSeconds() + " s", () -> stack.signalServer(server, "STOP"), () -> {
            try {
                Thread.sleep(PAUSE.toMillis());
            } finally {
                stack.signalServer(server, "CONT");
            }
        });
    }

    /** A step of a fault. */
    private interface Step {
        void run() throws Exception;
    }

    /** Load, fault, heal, more load; then every check, and a line in the report. */
    private void run(String fault, Step inject, Step heal) throws Exception {
        List<URI> uris = gatewayPorts.stream().map(port -> URI.create("ws://127.0.0.1:" + port + "/ws")).toList();
        try (FaultLoad load = FaultLoad.start(stack.endpoints(), tokens, uris, CHANNELS, RATE)) {
            Thread.sleep(BEFORE.toMillis());
            inject.run();
            heal.run();
            long healed = System.nanoTime();
            Thread.sleep(AFTER.toMillis());
            FaultLoad.Result result = load.finish(cassandra.session(), FINISH);
            Duration recovered = load.firstAckAfter(healed);
            Verification.Report verification = result.report();
            Map<String, Long> counts = verification.countsByKind();
            String line = String.format("%-40s %6d %6d %6d %7d %8d %10d %11d %12s%n", fault, verification.sent(),
                    verification.acked(), verification.stored(), result.gaveUp(), counts.get("phantom"), result.reconnects(),
                    counts.get("delivery_order"), recovered == null ? "-" : Long.toString(recovered.toMillis()));
            System.out.print("FAULT " + line);
            Files.writeString(report, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);

            List<Verification.Finding> serious = verification.findings().stream()
                    .filter(f -> List.of("acked_missing", "duplicate", "order").contains(f.kind())).toList();
            assertThat(serious).as(fault + ": acked ⇒ stored exactly once, in seq order").isEmpty();
            assertThat(counts.get("phantom") + counts.get("seq_gap"))
                    .as(fault + ": phantoms and gaps only for messages whose sender gave up").isLessThanOrEqualTo(result.gaveUp());
            assertThat(verification.acked()).as(fault + ": the load ran").isGreaterThan(RATE);
            assertThat(recovered).as(fault + ": sends are acked again after the fault ends").isNotNull();
            assertThat(recovered).isLessThan(Duration.ofSeconds(60));
        }
    }

    private static void restartGateway(int index) throws Exception {
        ServiceProcess fresh = launch("gateway", "gateway-fault-" + (index + 1), gatewayPorts.get(index));
        gateways.set(index, fresh);
        fresh.awaitReady(Duration.ofSeconds(90));
    }

    private static void ownedStack() {
        assumeTrue(stack.owner(), "needs a local stack this JVM owns (stop chatctl up to run this fault)");
    }

    private static ServiceProcess launch(String module, String name, int port) throws Exception {
        return ServiceProcess.launch(settings.home(), module, name, port, stack.endpoints().serviceEnvironment(),
                settings.logDir(), module.equals("gateway") ? "512m" : "256m");
    }

    private static List<ServiceProcess> allServices() {
        List<ServiceProcess> all = new ArrayList<>(gateways);
        if (persister != null) {
            all.add(persister);
        }
        return all;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
