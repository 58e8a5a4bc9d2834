package dev.chat.api;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bots and their API tokens over REST, on the real stack: administrators create bots and tokens,
 * a bot works like a user (channels, REST send) with its token, a revoked token is refused within
 * the revocation poll, and nobody else manages bots.
 */
class BotsIT {

    private static ApiFixture api;

    @BeforeAll
    static void start() {
        api = new ApiFixture(Map.of("auth.revocationpollmillis", "200"));
    }

    @AfterAll
    static void stop() {
        api.close();
    }

    @Test
    void anAdministratorCreatesABotWhoseTokenWorksUntilRevoked() throws Exception {
        String name = "bot-" + UUID.randomUUID().toString().substring(0, 8);
        ApiFixture.Response created = api.call("POST", "/api/v1/bots", api.admin(), Map.of("name", name));
        assertThat(created.status()).isEqualTo(201);
        long bot = created.json().path("user_id").asLong();
        String token = created.json().path("token").asText();
        assertThat(created.json().path("kind").asText()).isEqualTo("bot");
        assertThat(token).startsWith("chat_");
        assertThat(api.call("POST", "/api/v1/bots", api.admin(), Map.of("name", name)).status()).isEqualTo(409);

        long person = api.user("person");
        HttpResponse<String> channel = asBot(token, "POST", "/api/v1/channels",
                Map.of("type", "group", "name", "alerts", "member_ids", List.of(bot, person)));
        assertThat(channel.statusCode()).as(channel.body()).isEqualTo(201);
        String channelId = Json.tree(channel.body()).path("channel_id").asText();
        HttpResponse<String> sent = asBot(token, "POST", "/api/v1/channels/" + channelId + "/messages",
                Map.of("client_id", "alert-1", "content", "disk full"));
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(201);
        assertThat(Json.tree(sent.body()).path("message_id").asText()).isNotEmpty();
        assertThat(api.call("GET", "/api/v1/users/" + bot, person, null).json().path("kind").asText()).isEqualTo("bot");

        ApiFixture.Response second = api.call("POST", "/api/v1/bots/" + bot + "/tokens", api.admin(), Map.of("name", "rotated"));
        assertThat(second.status()).isEqualTo(201);
        JsonNode tokens = api.call("GET", "/api/v1/bots/" + bot + "/tokens", api.admin(), null).json().path("tokens");
        assertThat(tokens).hasSize(2);
        assertThat(tokens.toString()).doesNotContain(token).doesNotContain(second.json().path("token").asText());
        String firstId = created.json().path("token_id").asText();
        assertThat(tokens.findValuesAsText("token_id")).contains(firstId);

        assertThat(api.call("DELETE", "/api/v1/tokens/" + firstId, api.admin(), null).status()).isEqualTo(204);
        assertThat(await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> asBot(token, "GET", "/api/v1/channels", null).statusCode(), status -> status == 401))
                .as("the revoked token is refused").isEqualTo(401);
        assertThat(asBot(second.json().path("token").asText(), "GET", "/api/v1/channels", null).statusCode())
                .as("the other token still works").isEqualTo(200);
        assertThat(api.call("GET", "/api/v1/bots/" + bot + "/tokens", api.admin(), null).json().path("tokens")
                .findValuesAsText("revoked_at")).hasSize(2).anyMatch(at -> !at.equals("null"));
    }

    @Test
    void onlyAdministratorsManageBotsAndOnlyBotsHaveTokens() throws Exception {
        long person = api.user("someone");
        assertThat(api.call("POST", "/api/v1/bots", person, Map.of("name", "sneaky-" + person)).status()).isEqualTo(403);
        assertThat(api.call("GET", "/api/v1/bots/" + person + "/tokens", person, null).status()).isEqualTo(403);
        assertThat(api.call("DELETE", "/api/v1/tokens/" + UUID.randomUUID(), person, null).status()).isEqualTo(403);
        ApiFixture.Response forPerson = api.call("POST", "/api/v1/bots/" + person + "/tokens", api.admin(), Map.of());
        assertThat(forPerson.status()).isEqualTo(400);
        assertThat(forPerson.json().path("detail").asText()).contains("API tokens are for bots");
        assertThat(api.call("POST", "/api/v1/bots/999999999/tokens", api.admin(), Map.of()).status()).isEqualTo(404);
        assertThat(api.call("DELETE", "/api/v1/tokens/" + UUID.randomUUID(), api.admin(), null).status()).isEqualTo(404);
        assertThat(api.call("DELETE", "/api/v1/tokens/not-a-uuid", api.admin(), null).status()).isEqualTo(404);

        String name = "bot-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(api.call("POST", "/api/v1/bots", api.admin(), Map.of("name", name)).status()).isEqualTo(201);
        HttpResponse<String> login = api.send(HttpRequest.newBuilder(api.uri("/api/v1/dev/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")).build());
        assertThat(login.statusCode()).as("a bot cannot use the name login").isEqualTo(403);
        assertThat(asBot("chat_" + "x".repeat(43), "GET", "/api/v1/channels", null).statusCode()).isEqualTo(401);
    }

    private static HttpResponse<String> asBot(String token, String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.uri(path)).header("Authorization", "Bearer " + token);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        }
        return api.send(request.build());
    }
}
