package dev.chat.api;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.OutboundTargets;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of the caller's Web Push subscriptions, {@code /api/v1/push/subscriptions}: a
 * browser registers the subscription its push service gave it ({@code {endpoint, keys: {p256dh,
 * auth}, previews}}) and removes it on sign-out. The notifier pushes new messages to members with
 * no online device; {@code previews: false} keeps content out of the notifications.
 */
final class PushRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of("POST /api/v1/push/subscriptions", "DELETE /api/v1/push/subscriptions");

    private static final int P256DH_BYTES = 65;
    private static final int AUTH_BYTES = 16;

    private final DbClient db;
    private final OutboundTargets targets;

    PushRoutes(DbClient db, OutboundTargets targets) {
        this.db = db;
        this.targets = targets;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/subscriptions", this::subscribe)
                .delete("/subscriptions", this::unsubscribe);
    }

    private void subscribe(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        JsonBody body = JsonBody.read(request);
        String endpoint = endpoint(body);
        JsonNode keys = body.node().get("keys");
        if (keys == null || keys.isNull()) {
            throw ApiProblem.badRequest("keys", "give 'keys' {p256dh, auth} from the browser's PushSubscription");
        }
        if (!keys.isObject()) {
            throw ApiProblem.badRequest("keys", "'keys' must be an object {p256dh, auth}");
        }
        String p256dh = key(keys, "p256dh", P256DH_BYTES);
        String auth = key(keys, "auth", AUTH_BYTES);
        if (Base64.getUrlDecoder().decode(p256dh)[0] != 4) {
            throw ApiProblem.badRequest("keys.p256dh", "'keys.p256dh' must be an uncompressed P-256 point");
        }
        boolean previews = body.optionalBoolean("previews", true);
        Object id = db.execute().namedGet("upsert-push-subscription", caller, endpoint, p256dh, auth, previews)
                .orElseThrow().column("id").get();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("subscription_id", id.toString());
        json.put("endpoint", endpoint);
        json.put("previews", previews);
        ChannelRoutes.json(response, Status.CREATED_201, json);
    }

    private void unsubscribe(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        String endpoint = JsonBody.read(request).string("endpoint", OutboundTargets.MAX_URL);
        if (db.execute().namedDelete("delete-push-subscription", caller, endpoint) == 0) {
            throw ApiProblem.notFound("you have no push subscription with that endpoint");
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private String endpoint(JsonBody body) {
        String endpoint = body.string("endpoint", OutboundTargets.MAX_URL);
        try {
            targets.check(endpoint);
        } catch (OutboundTargets.Refused e) {
            throw ApiProblem.badRequest("endpoint", e.getMessage());
        }
        return endpoint;
    }

    private static String key(JsonNode keys, String name, int bytes) {
        JsonNode value = keys.get(name);
        String field = "keys." + name;
        if (value == null || value.isNull()) {
            throw ApiProblem.badRequest(field, "give '" + field + "'");
        }
        if (!value.isTextual()) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be base64url text");
        }
        try {
            byte[] decoded = Base64.getUrlDecoder().decode(value.asText().replace("=", ""));
            if (decoded.length != bytes) {
                throw ApiProblem.badRequest(field, "'" + field + "' must be " + bytes + " bytes, was " + decoded.length);
            }
        } catch (IllegalArgumentException e) {
            throw ApiProblem.badRequest(field, "'" + field + "' is not base64url");
        }
        return value.asText().replace("=", "");
    }
}
