package dev.chat.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.chat.common.BackendSettings;
import dev.chat.common.KafkaHealth;
import dev.chat.common.RedisConnection;
import dev.chat.common.ServiceConfig;
import dev.chat.localstack.LocalStack;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway, wired as in production, is ready when Redis and Kafka answer and serves metrics. */
class GatewayHealthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RedisConnection redis;
    private static KafkaHealth kafka;
    private static WebServer server;

    @BeforeAll
    static void start() {
        Config config = ServiceConfig.load(LocalStack.shared().endpoints().serviceConfig());
        BackendSettings backends = BackendSettings.create(config);
        redis = RedisConnection.open("gateway-test", backends);
        kafka = new KafkaHealth(backends);
        WebServerConfig.Builder builder = WebServer.builder().host("127.0.0.1").port(0);
        GatewayMain.setup(builder, redis, kafka);
        server = builder.build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        kafka.close();
        redis.close();
    }

    @Test
    void healthIsUpWhenRedisAndKafkaAnswer() throws Exception {
        HttpResponse<String> health = get("/observe/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"name\":\"redis\",\"status\":\"UP\"")
                .contains("\"name\":\"kafka\",\"status\":\"UP\"");
    }

    @Test
    void metricsAreServed() throws Exception {
        HttpResponse<String> metrics = get("/observe/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
