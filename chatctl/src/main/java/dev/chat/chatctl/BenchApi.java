package dev.chat.chatctl;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.wire.Json;

/**
 * The api calls a bench makes to set itself up (local-stack logins, channels, members), waiting
 * when the api rate-limits it. Thread-safe.
 *
 * @param http the client
 * @param api  the api's base URL
 */
record BenchApi(HttpClient http, URI api) {

    /**
     * @param path  below the api's URL
     * @param token bearer token, or null
     * @param body  encoded as JSON
     * @return the answer's JSON
     * @throws ChatCtl.Unreachable when the api does not answer
     */
    JsonNode post(String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.encode(body)));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        for (int attempt = 1; ; attempt++) {
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new ChatCtl.Unreachable("cannot reach the api at " + api + " (--api): "
                        + dev.chat.common.runtime.ReadinessCheck.describe(e));
            }
            if (response.statusCode() != 429 || attempt == 30) {
                break;
            }
            // rate limited (the local-stack login is limited per address): wait as told
            Thread.sleep(1000L * response.headers().firstValueAsLong("Retry-After").orElse(1));
        }
        if (response.statusCode() >= 300) {
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return Json.tree(response.body());
    }
}
