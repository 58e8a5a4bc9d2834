package dev.chat.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
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
import dev.chat.localstack.StackEndpoints;
import io.helidon.config.Config;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An api started as in production on the shared local stack (port 0, dev login on, one
 * administrator), with HTTP helpers that call it as a given user. Close it after the tests.
 */
final class ApiFixture implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    private final StackEndpoints endpoints;
    private final Config config;
    private final Tokens tokens;
    private final long admin;
    private final ServiceRuntime api;

    /** An answer: its status and, when it had a body, the body as JSON. */
    record Response(int status, JsonNode json) {
    }

    /**
     * @param overrides configuration on top of the local stack's (e.g. smaller limits)
     */
    ApiFixture(Map<String, String> overrides) {
        endpoints = LocalStack.shared().endpoints();
        Map<String, String> all = new HashMap<>(endpoints.serviceConfig());
        all.put("server.port", "0");
        all.put("api.devlogin", "true");
        admin = insertUser("admin-" + UUID.randomUUID());
        all.put("api.admins", Long.toString(admin));
        all.putAll(overrides);
        config = ServiceConfig.load(all);
        tokens = Tokens.create(config);
        api = ApiMain.start(config);
    }

    Config config() {
        return config;
    }

    StackEndpoints endpoints() {
        return endpoints;
    }

    Tokens tokens() {
        return tokens;
    }

    long admin() {
        return admin;
    }

    int port() {
        return api.port();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    /** Calls the api as {@code caller} with a JSON body (or none when {@code body} is null). */
    Response call(String method, String path, long caller, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + tokens.issue(caller, Duration.ofMinutes(5)));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        }
        HttpResponse<String> response = send(request.build());
        try {
            return new Response(response.statusCode(), response.body().isEmpty() ? null : Json.tree(response.body()));
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return a new user whose name starts with {@code name} */
    long user(String name) {
        return insertUser(name + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    /** @return a new user with exactly this name (unique: the caller makes it so) */
    long userNamed(String name) {
        return insertUser(name);
    }

    long insertUser(String name) {
        try (Connection db = DriverManager.getConnection(endpoints.postgresUrl(), endpoints.postgresUser(), "");
             PreparedStatement insert = db.prepareStatement("INSERT INTO users (name) VALUES (?) RETURNING id")) {
            insert.setString(1, name);
            var rs = insert.executeQuery();
            rs.next();
            return rs.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a new group created by {@code creator} with {@code members} (creator included) */
    UUID channel(long creator, List<Long> members) {
        Response created = call("POST", "/api/v1/channels", creator, Map.of("name", "c", "type", "group", "member_ids", members));
        assertThat(created.status()).isEqualTo(201);
        return UUID.fromString(created.json().path("channel_id").asText());
    }

    @Override
    public void close() {
        api.close();
    }
}
