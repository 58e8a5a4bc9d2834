package dev.chat.api;

import java.util.List;
import java.util.Map;

import dev.chat.common.auth.BotAccounts;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of bots and their API tokens, for administrators ({@code api.admins}): {@code POST
 * /api/v1/bots} creates a bot with a first token, {@code GET|POST /api/v1/bots/{id}/tokens} lists
 * and adds tokens, {@code DELETE /api/v1/tokens/{token_id}} revokes one (every api and gateway
 * drops it within {@code auth.revocationpollmillis}; its sockets are closed). A token's value is
 * in the answer that creates it and nowhere else. The same operations are {@code chatctl bots} and
 * {@code chatctl tokens}.
 */
final class BotRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of("POST /api/v1/bots", "GET /api/v1/bots/{id}/tokens",
            "POST /api/v1/bots/{id}/tokens", "DELETE /api/v1/tokens/{token_id}");

    private final BotAccounts bots;
    private final ChannelStore store;
    private final ApiSettings settings;

    BotRoutes(BotAccounts bots, ChannelStore store, ApiSettings settings) {
        this.bots = bots;
        this.store = store;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/bots", this::createBot)
                .get("/bots/{id}/tokens", this::listTokens)
                .post("/bots/{id}/tokens", this::createToken)
                .delete("/tokens/{token_id}", this::revoke);
    }

    private void createBot(ServerRequest request, ServerResponse response) {
        administrator(request);
        String name = JsonBody.read(request).string("name", UserRoutes.MAX_NAME);
        BotAccounts.NewToken bot = bots.createBot(name)
                .orElseThrow(() -> ApiProblem.conflict("a user named '" + name + "' exists"));
        Map<String, Object> body = bot.json();
        body.put("kind", "bot");
        ChannelRoutes.json(response, Status.CREATED_201, body);
    }

    private void listTokens(ServerRequest request, ServerResponse response) {
        administrator(request);
        ChannelStore.User bot = UserRoutes.pathUser(store, request, "id");
        ChannelRoutes.json(response, Status.OK_200, Map.of("tokens",
                bots.list(bot.id()).stream().map(BotAccounts.TokenInfo::json).toList()));
    }

    private void createToken(ServerRequest request, ServerResponse response) {
        administrator(request);
        ChannelStore.User bot = UserRoutes.pathUser(store, request, "id");
        String name = JsonBody.read(request).optionalString("name", BotAccounts.MAX_TOKEN_NAME);
        try {
            BotAccounts.NewToken token = bots.createToken(bot.id(), name == null ? "default" : name)
                    .orElseThrow(() -> ApiProblem.notFound("no user " + bot.id()));
            ChannelRoutes.json(response, Status.CREATED_201, token.json());
        } catch (BotAccounts.NotABot e) {
            throw ApiProblem.badRequest("id", e.getMessage());
        }
    }

    private void revoke(ServerRequest request, ServerResponse response) {
        administrator(request);
        String tokenId = Problems.pathParam(request, "token_id");
        bots.revoke(tokenId).orElseThrow(() -> ApiProblem.notFound("no token " + tokenId));
        response.status(Status.NO_CONTENT_204).send();
    }

    private void administrator(ServerRequest request) {
        if (!settings.admins().contains(Authentication.caller(request))) {
            throw ApiProblem.forbidden("only administrators (api.admins) manage bots and their tokens");
        }
    }
}
