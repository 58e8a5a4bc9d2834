package dev.chat.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.localstack.LocalStack;
import io.helidon.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The api, started as in production on the local stack, is ready when its backing services answer. */
class ApiHealthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServiceRuntime service;

    @BeforeAll
    static void start() {
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().endpoints().serviceConfig());
        overrides.put("server.port", "0");
        Config config = ServiceConfig.load(overrides);
        service = ApiMain.start(config);
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void healthIsUpWhenBackingServicesAnswer() throws Exception {
        HttpResponse<String> health = get("/observe/health");
        assertThat(health.statusCode()).isEqualTo(200);
        for (String check : List.of("postgres", "cassandra", "redis")) {
            assertThat(health.body()).contains("\"name\":\"" + check + "\",\"status\":\"UP\"");
        }
    }

    @Test
    void theKubernetesProbePathsAnswerAndEachCheckIsAGauge() throws Exception {
        // deploy/kubernetes probes every service at these two paths (ServiceRuntime.observe)
        assertThat(get("/observe/health/live").statusCode()).isEqualTo(200);
        assertThat(get("/observe/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/observe/health/nothing").statusCode()).isEqualTo(404);
        // deploy/prometheus alerts on chat_health{check=...}; the gauges read the latest service's checks
        // (one service per JVM in production; here other tests started and stopped apis before)
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().endpoints().serviceConfig());
        overrides.put("server.port", "0");
        try (ServiceRuntime fresh = ApiMain.start(ServiceConfig.load(overrides))) {
            // a scrape reads the last probe's result and starts a new probe when it is older than 10 s
            for (String check : List.of("postgres", "cassandra", "redis", "kafka")) {
                java.util.regex.Pattern up = java.util.regex.Pattern.compile(
                        "chat_health\\{check=\"" + check + "\",scope=\"application\",?} 1\\.0");
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                        .pollInterval(java.time.Duration.ofMillis(200))
                        .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fresh.port()
                                + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body(),
                                metrics -> up.matcher(metrics).find());
            }
        }
    }

    @Test
    void withoutHealthDetailsReadinessIsAStatusWithoutBackendDetails() throws Exception {
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().endpoints().serviceConfig());
        overrides.put("server.port", "0");
        overrides.put("observe.healthdetails", "false"); // the production default
        try (ServiceRuntime quiet = ApiMain.start(ServiceConfig.load(overrides))) {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + quiet.port() + "/observe/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(204);
            assertThat(health.body()).isEmpty();
        }
    }

    @Test
    void metricsAreServed() throws Exception {
        HttpResponse<String> metrics = get("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
