package dev.chat.common.outbound;

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
    /** A message was edited (data: the message_updated event: message_id, content, edited_at, seq, …). */
    public static final String MESSAGE_UPDATED = "message_updated";
    /** A message was deleted (data: the message_deleted event). */
    public static final String MESSAGE_DELETED = "message_deleted";
    /** A reaction was added or removed (data: the reaction event: emoji, user_id, action, …). */
    public static final String REACTION = "reaction";
    /** A user was added to the channel (data: channel_id, user_id). */
    public static final String MEMBER_JOINED = "member_joined";
    /** A user left or was removed (data: channel_id, user_id). */
    public static final String MEMBER_LEFT = "member_left";
    /** What can be subscribed to today. */
    public static final List<String> SUPPORTED = List.of(MESSAGE, MESSAGE_UPDATED, MESSAGE_DELETED, REACTION, MEMBER_JOINED,
            MEMBER_LEFT);

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
