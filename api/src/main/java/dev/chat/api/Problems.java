package dev.chat.api;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.chat.common.wire.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Maps every error once, on the routing, to {@code application/problem+json} (RFC 9457):
 * {@link ApiProblem}s with their status, anything unexpected as 500 without internals.
 */
final class Problems {

    private static final System.Logger LOG = System.getLogger(Problems.class.getName());

    private Problems() {
    }

    static void register(HttpRouting.Builder routing) {
        routing.error(ApiProblem.class, (request, response, problem) -> {
            if (problem.retryAfterSeconds() > 0) {
                response.header(HeaderValues.create(HeaderNames.RETRY_AFTER, Long.toString(problem.retryAfterSeconds())));
            }
            send(response, problem.status(), problem.getMessage(), problem.field(), problem.code());
        });
        routing.error(HttpException.class, (request, response, error) ->
                send(response, error.status(), error.getMessage(), null));
        routing.error(RuntimeException.class, (request, response, error) -> {
            LOG.log(System.Logger.Level.ERROR, "api: " + request.prologue() + " failed", error);
            send(response, Status.INTERNAL_SERVER_ERROR_500, "the request failed on the server; it was logged", null);
        });
    }

    static void send(ServerResponse response, Status status, String detail, String field) {
        send(response, status, detail, field, null);
    }

    static void send(ServerResponse response, Status status, String detail, String field, String code) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", status.reasonPhrase());
        body.put("status", status.code());
        body.put("detail", detail);
        if (field != null) {
            body.put("field", field);
        }
        if (code != null) {
            body.put("code", code);
        }
        if (status == Status.UNAUTHORIZED_401) {
            response.header(HeaderValues.create(HeaderNames.WWW_AUTHENTICATE, "Bearer"));
        }
        response.status(status)
                .header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                .send(Json.encode(body));
    }

    /** @return the path parameter, or 404 if the route has none (never for declared routes) */
    static String pathParam(ServerRequest request, String name) {
        return request.path().pathParameters().first(name).orElseThrow(() -> ApiProblem.notFound("no " + name));
    }
}
