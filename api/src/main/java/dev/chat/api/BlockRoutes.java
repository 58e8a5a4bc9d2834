package dev.chat.api;

import java.util.List;
import java.util.Map;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of the caller's blocks, {@code /api/v1/blocks}: a user blocked by the caller cannot
 * start a direct channel with them or add them to a group, and a direct channel between the two is
 * read-only for both until the block is lifted. Gateways are told at once ({@code access_changed}).
 */
final class BlockRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of(
            "GET /api/v1/blocks", "PUT /api/v1/blocks/{user_id}", "DELETE /api/v1/blocks/{user_id}");

    private final ChannelStore store;
    private final Events events;

    BlockRoutes(ChannelStore store, Events events) {
        this.store = store;
        this.events = events;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .put("/{user_id}", this::block)
                .delete("/{user_id}", this::unblock);
    }

    private void list(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        ChannelRoutes.json(response, Status.OK_200, Map.of("user_ids", store.blockedBy(caller)));
    }

    private void block(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        long blocked = UserRoutes.pathUser(store, request, "user_id").id();
        if (blocked == caller) {
            throw ApiProblem.badRequest("user_id", "you cannot block yourself");
        }
        if (store.block(caller, blocked)) {
            changed(caller, blocked);
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private void unblock(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        long blocked = UserRoutes.pathUser(store, request, "user_id").id();
        if (store.unblock(caller, blocked)) {
            changed(caller, blocked);
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private void changed(long blocker, long blocked) {
        events.accessChanged(blocker);
        events.accessChanged(blocked);
    }
}
