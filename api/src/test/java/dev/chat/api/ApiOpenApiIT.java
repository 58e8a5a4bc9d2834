package dev.chat.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.auth.Tokens;
import dev.chat.common.runtime.ServiceConfig;
import dev.chat.common.runtime.ServiceRuntime;
import dev.chat.common.wire.Json;
import dev.chat.localstack.LocalStack;
import io.helidon.config.Config;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document the api serves names exactly its routes, and every documented route answers. */
class ApiOpenApiIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ServiceRuntime api;
    private static Tokens tokens;

    @BeforeAll
    static void start() {
        Map<String, String> overrides = new HashMap<>(LocalStack.shared().endpoints().serviceConfig());
        overrides.put("server.port", "0");
        // a small rate limit, so the 429 test needs few requests and does not depend on speed
        overrides.put("api.ratepersecond", "1");
        overrides.put("api.rateburst", "30");
        Config config = ServiceConfig.load(overrides);
        tokens = Tokens.create(config);
        api = ApiMain.start(config);
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void documentNamesExactlyTheRoutesAndEachOneIsServed() throws Exception {
        HttpResponse<String> document = HTTP.send(HttpRequest.newBuilder(uri("/openapi?format=JSON")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(document.statusCode()).isEqualTo(200);
        List<String> documented = new ArrayList<>();
        Json.tree(document.body()).path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames()
                .forEachRemaining(method -> {
                    if (!method.equals("parameters")) {
                        documented.add(method.toUpperCase() + " " + path.getKey());
                    }
                }));
        assertThat(documented).containsExactlyInAnyOrderElementsOf(ApiMain.ROUTES);

        String token = tokens.issue(1, Duration.ofMinutes(5));
        for (String route : documented) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replace("{id}",
                    route.contains("/users/") || route.contains("/bots/") ? "1" : UUID.randomUUID().toString())
                    .replace("{token_id}", UUID.randomUUID().toString())
                    .replace("{webhook_id}", UUID.randomUUID().toString())
                    .replace("{message_id}", UUID.randomUUID().toString()).replace("{emoji}", "%F0%9F%91%8D")
                    .replace("{file_id}", UUID.randomUUID().toString())
                    .replace("{user_id}", "999999999"); // no such user: 404 (a block answers 204 without a body)
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri(path))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            // a route that does not exist gets the server's plain 404; ours always answer problem+json or JSON
            assertThat(response.headers().firstValue("Content-Type").orElse(""))
                    .as(route + " answered " + response.statusCode()).containsAnyOf("application/json", "application/problem+json");
        }
    }

    @Test
    void requestsAreMeteredPerRoute() throws Exception {
        String token = tokens.issue(2, Duration.ofMinutes(5));
        HTTP.send(HttpRequest.newBuilder(uri("/api/v1/channels/" + UUID.randomUUID() + "/messages"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
        String metrics = HTTP.send(HttpRequest.newBuilder(uri("/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("chat_api_requests").contains("route=\"/api/v1/channels/{id}/messages\"")
                .contains("status=\"404\"");
    }

    @Test
    void aCallerPastTheRateLimitGets429WithRetryAfter() throws Exception {
        String token = tokens.issue(3, Duration.ofMinutes(5));
        HttpResponse<String> last = null;
        for (int i = 0; i < 60 && (last == null || last.statusCode() != 429); i++) {
            last = HTTP.send(HttpRequest.newBuilder(uri("/api/v1/channels")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).isPresent();
        assertThat(last.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }
}
