package dev.chat.api;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.chat.common.wire.Json;
import io.helidon.http.HeaderNames;
import dev.chat.common.wire.MessageUpdated;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/** HTTP mapping of {@code /api/v1/channels}: parses requests, calls {@link ChannelService}, writes JSON. */
final class ChannelRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of(
            "POST /api/v1/channels", "GET /api/v1/channels", "GET /api/v1/channels/{id}/messages",
            "POST /api/v1/channels/{id}/messages", "PATCH /api/v1/channels/{id}/messages/{message_id}",
            "DELETE /api/v1/channels/{id}/messages/{message_id}",
            "GET /api/v1/channels/{id}/messages/{message_id}/replies",
            "PUT /api/v1/channels/{id}/messages/{message_id}/reactions/{emoji}",
            "DELETE /api/v1/channels/{id}/messages/{message_id}/reactions/{emoji}",
            "POST /api/v1/channels/{id}/members", "PUT /api/v1/channels/{id}/read", "GET /api/v1/channels/{id}/read",
            "GET /api/v1/channels/{id}", "PATCH /api/v1/channels/{id}", "DELETE /api/v1/channels/{id}/members/{user_id}");

    /** Longest member_ids array read at all (the configured per-request cap is checked after). */
    static final int MAX_MEMBER_IDS = 10_000;
    static final int DEFAULT_LIMIT = 50;
    /** Channels per page of GET /channels when no limit is given. */
    static final int DEFAULT_CHANNELS = 100;
    static final int MAX_LIMIT = 200;

    private final ChannelService channels;
    private final MessageSender sender;
    private final MessageEditor editor;

    ChannelRoutes(ChannelService channels, MessageSender sender, MessageEditor editor) {
        this.channels = channels;
        this.sender = sender;
        this.editor = editor;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/", this::list)
                .get("/{id}/messages", this::messages)
                .post("/{id}/messages", this::send)
                .patch("/{id}/messages/{message_id}", this::edit)
                .delete("/{id}/messages/{message_id}", this::delete)
                .get("/{id}/messages/{message_id}/replies", this::replies)
                .put("/{id}/messages/{message_id}/reactions/{emoji}", (request, response) -> react(request, response, true))
                .delete("/{id}/messages/{message_id}/reactions/{emoji}", (request, response) -> react(request, response, false))
                .post("/{id}/members", this::addMember)
                .delete("/{id}/members/{user_id}", this::removeMember)
                .get("/{id}", this::details)
                .patch("/{id}", this::update)
                .put("/{id}/read", this::markRead)
                .get("/{id}/read", this::readPositions);
    }

    private void create(ServerRequest request, ServerResponse response) {
        JsonBody body = JsonBody.read(request);
        String type = body.string("type", 10);
        ChannelService.Created created = channels.create(Authentication.caller(request),
                body.optionalString("name", 255), type, body.userIds("member_ids", MAX_MEMBER_IDS),
                body.optionalBoolean("anyone_can_add", false));
        json(response, created.isNew() ? Status.CREATED_201 : Status.OK_200,
                Map.of("channel_id", created.channelId(), "name", created.name(), "type", created.type()));
    }

    private void list(ServerRequest request, ServerResponse response) {
        var query = request.query();
        int limit = limit(query, DEFAULT_CHANNELS, MAX_LIMIT);
        String cursor = query.contains("cursor") ? JsonBody.queryText(query, "cursor", 200) : null;
        ChannelService.Listing page = channels.list(Authentication.caller(request), cursor, limit);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("channels", page.channels());
        body.put("next_cursor", page.next());
        json(response, Status.OK_200, body);
    }

    private void update(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        UUID channelId = channelId(request);
        JsonBody body = JsonBody.read(request);
        String name = body.optionalString("name", 255);
        Boolean anyoneCanAdd = body.node().hasNonNull("anyone_can_add") ? body.optionalBoolean("anyone_can_add", false) : null;
        if (name == null && anyoneCanAdd == null) {
            throw ApiProblem.badRequest("name", "give 'name' or 'anyone_can_add' to change");
        }
        ChannelStore.Channel channel = channels.update(caller, channelId, name, anyoneCanAdd);
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("channel_id", channel.id());
        json.put("name", channel.name());
        json.put("type", channel.type());
        json.put("owner_id", channel.ownerId());
        json.put("anyone_can_add", channel.anyoneCanAdd());
        json(response, Status.OK_200, json);
    }

    /** @return ?limit=, checked (1 to max), or the default */
    private static int limit(io.helidon.common.uri.UriQuery query, int fallback, int max) {
        if (!query.contains("limit")) {
            return fallback;
        }
        int limit;
        try {
            limit = Integer.parseInt(query.get("limit"));
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > max) {
            throw ApiProblem.badRequest("limit", "'limit' must be 1 to " + max);
        }
        return limit;
    }

    private void messages(ServerRequest request, ServerResponse response) {
        var query = request.query();
        UUID before = query.contains("before_id") ? cursor("before_id", query.get("before_id")) : null;
        UUID after = query.contains("after_id") ? cursor("after_id", query.get("after_id")) : null;
        if (before != null && after != null) {
            throw ApiProblem.badRequest("after_id", "give 'before_id' or 'after_id', not both");
        }
        int limit = limit(query, DEFAULT_LIMIT, MAX_LIMIT);
        History.Page page = channels.history(Authentication.caller(request), channelId(request), before, after, limit);
        json(response, Status.OK_200, Map.of("messages", page.messages(), "has_more", page.hasMore()));
    }

    private void replies(ServerRequest request, ServerResponse response) {
        var query = request.query();
        UUID after = query.contains("after_id") ? cursor("after_id", query.get("after_id")) : null;
        int limit = limit(query, DEFAULT_LIMIT, MAX_LIMIT);
        History.Page page = channels.replies(Authentication.caller(request), channelId(request), messageId(request), after, limit);
        json(response, Status.OK_200, Map.of("messages", page.messages(), "has_more", page.hasMore()));
    }

    private void send(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        UUID channelId = channelId(request);
        JsonBody body = JsonBody.read(request);
        String key = request.headers().first(io.helidon.http.HeaderNames.create("Idempotency-Key")).orElse(null);
        json(response, Status.CREATED_201, MessageSender.json(sender.send(caller, channelId, body, key)));
    }

    private void edit(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        UUID channelId = channelId(request);
        UUID messageId = messageId(request);
        MessageUpdated edit = editor.edit(caller, channelId, messageId, JsonBody.read(request));
        Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("channel_id", channelId);
        json.put("message_id", messageId);
        json.put("content", edit.content());
        json.put("edited_at", edit.editedAt());
        json.put("seq", edit.seq());
        json.put("epoch", edit.epoch());
        json(response, Status.OK_200, json);
    }

    private void delete(ServerRequest request, ServerResponse response) {
        editor.delete(Authentication.caller(request), channelId(request), messageId(request));
        response.status(Status.NO_CONTENT_204).send();
    }

    private void react(ServerRequest request, ServerResponse response, boolean add) {
        editor.react(Authentication.caller(request), channelId(request), messageId(request), Problems.pathParam(request, "emoji"), add);
        response.status(Status.NO_CONTENT_204).send();
    }

    private static UUID messageId(ServerRequest request) {
        String raw = Problems.pathParam(request, "message_id");
        try {
            UUID id = UUID.fromString(raw);
            if (id.version() == 1 && id.toString().equalsIgnoreCase(raw)) {
                return id;
            }
        } catch (IllegalArgumentException ignored) {
            // below
        }
        throw ApiProblem.notFound("no message " + raw);
    }

    private void addMember(ServerRequest request, ServerResponse response) {
        long userId = JsonBody.read(request).userId("user_id");
        UUID channelId = channelId(request);
        channels.addMember(Authentication.caller(request), channelId, userId);
        json(response, Status.OK_200, Map.of("channel_id", channelId, "user_id", userId));
    }

    private void details(ServerRequest request, ServerResponse response) {
        ChannelService.Details details = channels.details(Authentication.caller(request), channelId(request));
        ChannelStore.Channel channel = details.channel();
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("channel_id", channel.id());
        body.put("name", channel.name());
        body.put("type", channel.type());
        body.put("owner_id", channel.ownerId());
        body.put("anyone_can_add", channel.anyoneCanAdd());
        body.put("created_at", channel.createdAt());
        body.put("members", details.members());
        json(response, Status.OK_200, body);
    }

    private void removeMember(ServerRequest request, ServerResponse response) {
        String raw = Problems.pathParam(request, "user_id");
        long userId;
        try {
            userId = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiProblem.notFound("no user " + raw);
        }
        channels.removeMember(Authentication.caller(request), channelId(request), userId);
        response.status(Status.NO_CONTENT_204).send();
    }

    private void markRead(ServerRequest request, ServerResponse response) {
        UUID messageId = JsonBody.read(request).timeUuid("last_read_message_id");
        UUID channelId = channelId(request);
        long caller = Authentication.caller(request);
        UUID stored = channels.markRead(caller, channelId, messageId);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("channel_id", channelId);
        body.put("user_id", caller);
        body.put("last_read_message_id", stored); // null: nothing read yet (no message up to the one named)
        json(response, Status.OK_200, body);
    }

    private void readPositions(ServerRequest request, ServerResponse response) {
        List<ChannelStore.ReadPosition> positions = channels.readPositions(Authentication.caller(request), channelId(request));
        json(response, Status.OK_200, Map.of("read_positions", positions));
    }

    /** @return the channel a path names (404 when it is not a channel id) */
    static UUID channelId(ServerRequest request) {
        String raw = Problems.pathParam(request, "id");
        try {
            UUID id = UUID.fromString(raw);
            if (id.toString().equalsIgnoreCase(raw)) {
                return id;
            }
        } catch (IllegalArgumentException ignored) {
            // below
        }
        throw ApiProblem.notFound("no channel " + raw);
    }

    private static UUID cursor(String field, String raw) {
        UUID id = JsonBody.uuid(field, raw);
        if (id.version() != 1) {
            throw ApiProblem.badRequest(field, "'" + field + "' must be a message id (a TIMEUUID)");
        }
        return id;
    }

    static void json(ServerResponse response, Status status, Object body) {
        response.status(status).header(HeaderNames.CONTENT_TYPE, "application/json").send(Json.encode(body));
    }
}
