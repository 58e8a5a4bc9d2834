package dev.chat.api;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.outbound.OutboundTargets;
import io.helidon.dbclient.DbClient;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of the caller's push subscriptions, {@code /api/v1/push/subscriptions}: a browser
 * registers the Web Push subscription its push service gave it ({@code {endpoint, keys: {p256dh,
 * auth}, previews}}), a native app its FCM or APNs device token ({@code {provider: "fcm"|"apns",
 * token, previews}}); either removes it on sign-out. The notifier pushes new messages to members with
 * no online device; {@code previews: false} keeps content out of the notifications.
 */
final class PushRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of("POST /api/v1/push/subscriptions", "DELETE /api/v1/push/subscriptions");

    private static final String WEB_PUSH = "webpush";
    private static final java.util.regex.Pattern FCM_TOKEN = java.util.regex.Pattern.compile("[A-Za-z0-9_:\\-]{20,4096}");
    private static final java.util.regex.Pattern APNS_TOKEN = java.util.regex.Pattern.compile("[0-9a-fA-F]{64,200}");
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
        String provider = body.optionalString("provider", 10);
        provider = provider == null ? WEB_PUSH : provider;
        String endpoint;
        String p256dh = null;
        String auth = null;
        switch (provider) {
            case WEB_PUSH -> {
                endpoint = endpoint(body);
                JsonNode keys = body.node().get("keys");
                if (keys == null || keys.isNull()) {
                    throw ApiProblem.badRequest("keys", "give 'keys' {p256dh, auth} from the browser's PushSubscription");
                }
                if (!keys.isObject()) {
                    throw ApiProblem.badRequest("keys", "'keys' must be an object {p256dh, auth}");
                }
                p256dh = key(keys, "p256dh", P256DH_BYTES);
                auth = key(keys, "auth", AUTH_BYTES);
                if (Base64.getUrlDecoder().decode(p256dh)[0] != 4) {
                    throw ApiProblem.badRequest("keys.p256dh", "'keys.p256dh' must be an uncompressed P-256 point");
                }
            }
            case "fcm" -> endpoint = deviceToken(body, FCM_TOKEN, "an FCM registration token");
            case "apns" -> endpoint = deviceToken(body, APNS_TOKEN, "an APNs device token (hexadecimal)");
            default -> throw ApiProblem.badRequest("provider", "'provider' must be webpush, fcm or apns");
        }
        boolean previews = body.optionalBoolean("previews", true);
        Object id = db.execute().namedGet("upsert-push-subscription", caller, endpoint, p256dh, auth, previews, provider)
                .orElseThrow().column("id").get();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("subscription_id", id.toString());
        json.put("provider", provider);
        json.put(WEB_PUSH.equals(provider) ? "endpoint" : "token", endpoint);
        json.put("previews", previews);
        ChannelRoutes.json(response, Status.CREATED_201, json);
    }

    private void unsubscribe(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        JsonBody body = JsonBody.read(request);
        String endpoint = body.node().has("token") ? body.string("token", OutboundTargets.MAX_URL)
                : body.string("endpoint", OutboundTargets.MAX_URL);
        if (db.execute().namedDelete("delete-push-subscription", caller, endpoint) == 0) {
            throw ApiProblem.notFound("you have no push subscription with that endpoint or token");
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private static String deviceToken(JsonBody body, java.util.regex.Pattern form, String what) {
        String token = body.string("token", OutboundTargets.MAX_URL);
        if (!form.matcher(token).matches()) {
            throw ApiProblem.badRequest("token", "'token' must be " + what);
        }
        return token;
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
