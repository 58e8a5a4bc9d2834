package dev.chat.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.chat.common.BackendSettings;
import dev.chat.common.CassandraConnection;
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

/** The api, wired as in production, is ready when PostgreSQL, Cassandra and Redis answer. */
class ApiHealthIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Database database;
    private static CassandraConnection cassandra;
    private static RedisConnection redis;
    private static WebServer server;

    @BeforeAll
    static void start() {
        Config config = ServiceConfig.load(LocalStack.shared().endpoints().serviceConfig());
        BackendSettings backends = BackendSettings.create(config);
        database = Database.open(backends, config.get("db.statements"));
        cassandra = CassandraConnection.open("api-test", backends);
        redis = RedisConnection.open("api-test", backends);
        WebServerConfig.Builder builder = WebServer.builder().host("127.0.0.1").port(0);
        ApiMain.setup(builder, database, cassandra, redis);
        server = builder.build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        redis.close();
        cassandra.close();
        database.close();
    }

    @Test
    void healthIsUpWhenPostgresCassandraAndRedisAnswer() throws Exception {
        HttpResponse<String> health = get("/observe/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"name\":\"postgres\",\"status\":\"UP\"")
                .contains("\"name\":\"cassandra\",\"status\":\"UP\"")
                .contains("\"name\":\"redis\",\"status\":\"UP\"");
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
