package dev.chat.chatctl;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.auth.Tokens;
import dev.chat.common.runtime.BackendSettings;
import dev.chat.common.runtime.CassandraConnection;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.wire.Json;
import dev.chat.localstack.LocalStack;
import dev.chat.localstack.ServiceProcess;
import dev.chat.localstack.StackEndpoints;
import dev.chat.localstack.StackSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code chatctl drain} under load, as an operator runs it: three gateways and a persister as
 * processes, members of each channel spread over the gateways sending at a steady rate; the
 * middle gateway is drained (its drain rate set low so the drain takes seconds). While it drains,
 * its readiness is down and the directory says so; its sockets are closed with 1012, their clients
 * reconnect to the other gateways and resume; the process exits 0. Nothing acked is lost or
 * stored twice, every member receives every message in seq order.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DrainIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aDrainedGatewaysClientsReconnectElsewhereAndNothingIsLost() throws Exception {
        LocalStack stack = LocalStack.shared();
        StackSettings settings = stack.settings();
        StackEndpoints endpoints = stack.endpoints();
        var config = ServiceConfig.load(endpoints.serviceConfig());
        String run = Long.toString(System.nanoTime(), 36);
        List<ServiceProcess> services = new ArrayList<>();
        List<URI> gateways = new ArrayList<>();
        try (CassandraConnection cassandra = CassandraConnection.open("drain-it", BackendSettings.create(config))) {
            for (int i = 1; i <= 3; i++) {
                int port = freePort();
                Map<String, String> env = new java.util.HashMap<>(endpoints.serviceEnvironment());
                env.put("GATEWAY_NAME", "drain-" + run + "-" + i);
                env.put("GATEWAY_DRAINRATEPERSECOND", "3"); // 9 or so sockets: a drain of ~3 s
                services.add(ServiceProcess.launch(settings.home(), "gateway", "gateway-drain-" + i, port, env,
                        settings.logDir(), "384m"));
                gateways.add(URI.create("ws://127.0.0.1:" + port + "/ws"));
            }
            services.add(ServiceProcess.launch(settings.home(), "persister", "persister-drain", freePort(),
                    endpoints.serviceEnvironment(), settings.logDir(), "256m"));
            for (ServiceProcess service : services) {
                service.awaitReady(Duration.ofSeconds(90));
            }
            ServiceProcess drained = services.get(1);
            String name = "drain-" + run + "-2";

            try (FaultLoad load = FaultLoad.start(endpoints, Tokens.create(config), gateways, 9, 30)) {
                // gateways report every 5 s: wait for a report that has the sockets
                int socketsBefore = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                        .until(() -> reportedSockets(name), sockets -> sockets >= 6);

                CompletableFuture<Run> draining = CompletableFuture.supplyAsync(
                        () -> chatctl(endpoints, "drain", name, "--window", "20", "--json"));
                // readiness goes down while its sockets are told to leave
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> readiness(drained.port()), status -> status == 503);
                Run drain = draining.get(60, TimeUnit.SECONDS);
                assertThat(drain.code()).as(drain.err()).isZero();
                JsonNode answer = Json.tree(drain.out());
                assertThat(answer.path("drained").asBoolean()).isTrue();
                assertThat(answer.path("waited_ms").asLong()).as("spread over seconds, not at once").isGreaterThan(1_000);
                ProcessHandle.of(drained.process().pid()).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
                assertThat(drained.process().exitCode()).as("the drained gateway exits 0").contains(0);

                long afterDrain = load.acked(); // load goes on through the two others
                await().atMost(Duration.ofSeconds(30)).until(load::acked, acked -> acked >= afterDrain + 60);
                FaultLoad.Result result = load.finish(cassandra.session(), Duration.ofSeconds(60));
                Verification.Report report = result.report();
                System.out.printf("DRAIN sockets %d reconnects %d sent %d acked %d stored %d findings %s%n", socketsBefore,
                        result.reconnects(), report.sent(), report.acked(), report.stored(), report.countsByKind());
                assertThat(result.reconnects()).as("every drained socket reconnected").isGreaterThanOrEqualTo(socketsBefore);
                assertThat(result.gaveUp()).isZero();
                assertThat(report.findings()).as("stored once, in seq order, delivered in seq order").isEmpty();
                assertThat(report.stored()).isEqualTo(report.acked());
                assertThat(load.undelivered()).as("every member received every acked message").isZero();
            }
            assertThat(chatctl(endpoints, "drain", name).code()).as("gone from the directory").isEqualTo(ChatCtl.FAILED);
        } finally {
            services.forEach(ServiceProcess::stop);
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run chatctl(StackEndpoints endpoints, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--redis", endpoints.redisAddress()));
        int code = ChatCtl.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    private static int reportedSockets(String name) throws Exception {
        for (JsonNode row : Json.tree(chatctl(LocalStack.shared().endpoints(), "connections", "--json").out()).path("gateways")) {
            if (row.path("name").asText().equals(name)) {
                return row.path("sockets").asInt();
            }
        }
        return -1;
    }

    /** @return the readiness status, or -1 once the gateway no longer answers */
    private static int readiness(int port) throws Exception {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException gone) {
            return -1;
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
