package dev.chat.api;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chat.common.outbound.OutboundTargets;
import dev.chat.common.outbound.WebhookEvents;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * HTTP mapping of a group's outgoing webhooks, under {@code /api/v1/channels/{id}/webhooks}: the
 * channel's owner and administrators create ({@code {url, events}} → 201 with the signing secret,
 * shown once), list (with how many events wait), delete them and read a webhook's last delivery
 * attempts. The notifier delivers. Direct channels have none: they belong to two people.
 */
final class WebhookRoutes implements HttpService {

    /** Every route, as documented in META-INF/openapi.yaml (ApiOpenApiIT compares them). */
    static final List<String> ROUTES = List.of("POST /api/v1/channels/{id}/webhooks", "GET /api/v1/channels/{id}/webhooks",
            "DELETE /api/v1/channels/{id}/webhooks/{webhook_id}", "GET /api/v1/channels/{id}/webhooks/{webhook_id}/deliveries");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final WebhookStore webhooks;
    private final ChannelStore store;
    private final OutboundTargets targets;
    private final ApiSettings settings;

    WebhookRoutes(WebhookStore webhooks, ChannelStore store, OutboundTargets targets, ApiSettings settings) {
        this.webhooks = webhooks;
        this.store = store;
        this.targets = targets;
        this.settings = settings;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{id}/webhooks", this::create)
                .get("/{id}/webhooks", this::list)
                .delete("/{id}/webhooks/{webhook_id}", this::delete)
                .get("/{id}/webhooks/{webhook_id}/deliveries", this::deliveries);
    }

    private void create(ServerRequest request, ServerResponse response) {
        long caller = Authentication.caller(request);
        UUID channelId = managedChannel(request, caller);
        JsonBody body = JsonBody.read(request);
        String url = body.string("url", OutboundTargets.MAX_URL);
        List<String> events = events(body.node().get("events"));
        try {
            targets.check(url);
        } catch (OutboundTargets.Refused e) {
            throw ApiProblem.badRequest("url", e.getMessage());
        }
        if (webhooks.count(channelId) >= settings.maxWebhooksPerChannel()) {
            throw ApiProblem.conflict("channel " + channelId + " has " + settings.maxWebhooksPerChannel()
                    + " webhooks already (api.maxwebhookspechannel)");
        }
        String secret = newSecret();
        WebhookStore.Webhook created = webhooks.insert(channelId, url, events, secret, caller);
        Map<String, Object> json = json(created);
        json.put("secret", secret);
        ChannelRoutes.json(response, Status.CREATED_201, json);
    }

    private void list(ServerRequest request, ServerResponse response) {
        UUID channelId = managedChannel(request, Authentication.caller(request));
        ChannelRoutes.json(response, Status.OK_200, Map.of("webhooks",
                webhooks.ofChannel(channelId).stream().map(WebhookRoutes::json).toList()));
    }

    private void delete(ServerRequest request, ServerResponse response) {
        UUID channelId = managedChannel(request, Authentication.caller(request));
        if (!webhooks.delete(channelId, webhookId(request))) {
            throw ApiProblem.notFound("no such webhook in channel " + channelId);
        }
        response.status(Status.NO_CONTENT_204).send();
    }

    private void deliveries(ServerRequest request, ServerResponse response) {
        UUID channelId = managedChannel(request, Authentication.caller(request));
        UUID webhookId = webhookId(request);
        if (!webhooks.exists(channelId, webhookId)) {
            throw ApiProblem.notFound("no such webhook in channel " + channelId);
        }
        ChannelRoutes.json(response, Status.OK_200, Map.of("deliveries", webhooks.deliveries(webhookId).stream().map(d -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("event_id", d.eventId());
            json.put("attempt", d.attempt());
            json.put("status", d.status());
            json.put("error", d.error());
            json.put("duration_ms", d.durationMs());
            json.put("at", d.at().toString());
            return json;
        }).toList()));
    }

    /** @return the channel, if the caller may manage its webhooks: a group's owner, or an administrator */
    private UUID managedChannel(ServerRequest request, long caller) {
        UUID channelId = ChannelRoutes.channelId(request);
        ChannelStore.Channel channel = store.channel(channelId).orElseThrow(() -> ApiProblem.notFound("no channel " + channelId));
        boolean admin = settings.admins().contains(caller);
        if (!admin && store.membership(channelId, caller).isEmpty()) {
            throw ApiProblem.forbidden("not a member of channel " + channelId);
        }
        if (!"group".equals(channel.type())) {
            throw ApiProblem.forbidden("direct channels have no webhooks");
        }
        if (!admin && (channel.ownerId() == null || channel.ownerId() != caller)) {
            throw ApiProblem.forbidden("only the channel's owner and administrators manage its webhooks");
        }
        return channelId;
    }

    private static UUID webhookId(ServerRequest request) {
        String raw = Problems.pathParam(request, "webhook_id");
        try {
            return UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.notFound("no webhook " + raw);
        }
    }

    private static List<String> events(JsonNode node) {
        if (node == null || node.isNull()) {
            throw ApiProblem.badRequest("events", "give 'events', a list of " + WebhookEvents.SUPPORTED);
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiProblem.badRequest("events", "'events' must be a non-empty list of " + WebhookEvents.SUPPORTED);
        }
        List<String> events = new ArrayList<>();
        for (JsonNode event : node) {
            if (!event.isTextual() || !WebhookEvents.SUPPORTED.contains(event.asText())) {
                throw ApiProblem.badRequest("events", "unknown event " + event + "; known: " + WebhookEvents.SUPPORTED);
            }
            if (!events.contains(event.asText())) {
                events.add(event.asText());
            }
        }
        return events;
    }

    /** @return a Standard Webhooks secret: whsec_ and 32 random bytes in base64 */
    private static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private static Map<String, Object> json(WebhookStore.Webhook webhook) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("webhook_id", webhook.id().toString());
        json.put("url", webhook.url());
        json.put("events", webhook.events());
        json.put("created_at", webhook.createdAt().toString());
        json.put("disabled_at", webhook.disabledAt() == null ? null : webhook.disabledAt().toString());
        json.put("disabled_reason", webhook.disabledReason());
        json.put("pending", webhook.pending());
        return json;
    }
}
