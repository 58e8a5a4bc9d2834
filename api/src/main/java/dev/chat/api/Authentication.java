package dev.chat.api;

import dev.chat.common.auth.Credentials;
import dev.chat.common.auth.Tokens;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Requires a valid bearer token (a person's JWT or a bot's API token) on every {@code /api/v1}
 * call except the local-stack login, puts
 * the caller's user id into the request context, and applies the caller's rate limit. Thread-safe.
 */
final class Authentication implements Filter {

    private static final String PREFIX = "/api/v1";
    private static final String DEV_LOGIN = "/api/v1/dev/login";

    private final Credentials credentials;
    private final RateLimiter limiter;

    Authentication(Credentials credentials, RateLimiter limiter) {
        this.credentials = credentials;
        this.limiter = limiter;
    }

    /** The authenticated caller. @param userId their id */
    record Caller(long userId) {
    }

    static long caller(ServerRequest request) {
        return request.context().get(Caller.class)
                .orElseThrow(() -> ApiProblem.unauthorized("a bearer token is required")).userId();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String path = request.path().path();
        if (!path.startsWith(PREFIX) || path.equals(DEV_LOGIN)) {
            chain.proceed();
            return;
        }
        String header = request.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Problems.send(response, io.helidon.http.Status.UNAUTHORIZED_401,
                    "a bearer token is required (Authorization: Bearer <token>)", null);
            return;
        }
        long userId;
        try {
            userId = credentials.check(header.substring(7).strip()).userId();
        } catch (Tokens.InvalidToken e) {
            Problems.send(response, io.helidon.http.Status.UNAUTHORIZED_401, "invalid token: " + e.getMessage(), null);
            return;
        } catch (IllegalStateException e) {
            // an API token while PostgreSQL is down: the token may well be valid
            response.header(io.helidon.http.HeaderNames.RETRY_AFTER, "5");
            Problems.send(response, io.helidon.http.Status.SERVICE_UNAVAILABLE_503, "API tokens cannot be checked now", null);
            return;
        }
        request.context().register(new Caller(userId));
        limiter.acquire(userId);
        chain.proceed();
    }
}
