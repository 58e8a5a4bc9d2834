package dev.chat.api;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import dev.chat.common.auth.Tokens;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of users: {@code POST /api/v1/users} (administrators), {@code GET
 * /api/v1/users/{id}/presence}, and the local-stack-only {@code POST /api/v1/dev/login}.
 */
final class UserRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final java.util.List<String> ROUTES = java.util.List.of(
            "POST /api/v1/users", "GET /api/v1/users", "GET /api/v1/users/{id}", "GET /api/v1/users/{id}/presence", "POST /api/v1/dev/login");

    /** Longest user name. */
    static final int MAX_NAME = 64;

    /** The local-stack login, per remote address: enough for {@code chatctl bench} to log in a thousand users. */
    private static final int DEV_LOGINS_PER_SECOND = 100;
    private static final int DEV_LOGIN_BURST = 1000;

    private final ChannelStore store;
    private final PresenceReader presence;
    private final Tokens tokens;
    private final ApiSettings settings;
    private final java.util.function.LongPredicate deactivated;
    private final RateLimiter devLogins = new RateLimiter(DEV_LOGINS_PER_SECOND, DEV_LOGIN_BURST);

    UserRoutes(ChannelStore store, PresenceReader presence, Tokens tokens, ApiSettings settings,
               java.util.function.LongPredicate deactivated) {
        this.deactivated = deactivated;
        this.store = store;
        this.presence = presence;
        this.tokens = tokens;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/users", this::createUser)
                .get("/users", this::findUser)
                .get("/users/{id}", this::user)
                .get("/users/{id}/presence", this::presence)
                .post("/dev/login", this::devLogin);
    }

    private void createUser(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        if (!settings.admins().contains(caller)) {
            throw ApiProblem.forbidden("only administrators (api.admins) may create users");
        }
        String name = JsonBody.read(request).string("name", MAX_NAME);
        ChannelStore.User user = store.insertUser(name)
                .orElseThrow(() -> ApiProblem.conflict("a user named '" + name + "' exists"));
        ChannelRoutes.json(response, Status.CREATED_201, user.json());
    }

    private void findUser(ServerRequest request, ServerResponse response) {
        Authentication.caller(request);
        if (!request.query().contains("name")) {
            throw ApiProblem.badRequest("name", "give ?name= to look a user up");
        }
        String valid = JsonBody.queryText(request.query(), "name", MAX_NAME);
        ChannelStore.User user = store.userByName(valid).orElseThrow(() -> ApiProblem.notFound("no user named '" + valid + "'"));
        ChannelRoutes.json(response, Status.OK_200, user.json());
    }

    private void user(ServerRequest request, ServerResponse response) {
        Authentication.caller(request);
        ChannelStore.User user = existingUser(request);
        ChannelRoutes.json(response, Status.OK_200, user.json());
    }

    private void presence(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        long userId = existingUser(request).id();
        if (userId != caller && !store.shareChannel(caller, userId)) {
            throw ApiProblem.forbidden("presence is shown only for users who share a channel with you");
        }
        ChannelRoutes.json(response, Status.OK_200, presence.presence(userId));
    }

    private ChannelStore.User existingUser(ServerRequest request) {
        return pathUser(store, request, "id");
    }

    /** @return the user a path parameter names (404 when there is none) */
    static ChannelStore.User pathUser(ChannelStore store, ServerRequest request, String parameter) {
        String raw = Problems.pathParam(request, parameter);
        try {
            long userId = Long.parseLong(raw);
            return store.userById(userId).orElseThrow(() -> ApiProblem.notFound("no user " + userId));
        } catch (NumberFormatException e) {
            throw ApiProblem.notFound("no user " + raw);
        }
    }

    private void devLogin(ServerRequest request, ServerResponse response) {
        if (!settings.devLogin()) {
            throw ApiProblem.notFound("dev login is off (api.devlogin)");
        }
        devLogins.acquire(request.remotePeer().host());
        String name = JsonBody.read(request).string("name", MAX_NAME);
        ChannelStore.User user = store.insertUser(name).or(() -> store.userByName(name)).orElseThrow();
        if (settings.admins().contains(user.id())) {
            throw ApiProblem.forbidden("the local-stack login does not sign in administrators (api.admins); use chatctl token");
        }
        if (deactivated.test(user.id())) {
            throw ApiProblem.forbidden("'" + name + "' is deactivated");
        }
        if (user.bot()) {
            throw ApiProblem.forbidden("'" + name + "' is a bot: bots authenticate with API tokens (chatctl tokens create)");
        }
        ChannelRoutes.json(response, Status.OK_200, Map.of("user_id", user.id(), "name", user.name(),
                "token", tokens.issue(user.id(), settings.tokenTtl())));
    }
}
