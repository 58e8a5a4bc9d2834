package dev.chat.common.webhooks;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.chat.common.wire.Json;

/**
 * The events a webhook can subscribe to and the JSON body each delivery carries (the Standard
 * Webhooks shape): {@code {"type": "message", "timestamp": "...", "data": {...}}}. The event's id
 * travels in the {@code webhook-id} header, stable across retries.
 */
public final class WebhookEvents {

    /** A new message in the channel (data: the message as in history). */
    public static final String MESSAGE = "message";
    /** A user was added to the channel (data: channel_id, user_id). */
    public static final String MEMBER_JOINED = "member_joined";
    /** A user left or was removed (data: channel_id, user_id). */
    public static final String MEMBER_LEFT = "member_left";
    /** What can be subscribed to today. */
    public static final List<String> SUPPORTED = List.of(MESSAGE, MEMBER_JOINED, MEMBER_LEFT);

    private WebhookEvents() {
    }

    /**
     * @param type the event's type
     * @param at   when it happened
     * @param data its data (a map, a record or a JSON tree)
     * @return the delivery body
     */
    public static String body(String type, Instant at, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", at.toString());
        body.put("data", data);
        return Json.encode(body);
    }
}
