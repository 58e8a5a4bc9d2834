package dev.chat.notifier;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.chat.common.wire.Json;

/**
 * What a push notification says about a new message, whatever the provider: the channel, the
 * sender, and a preview only where the subscriber allows it. Web Push carries {@link #json()} (the
 * service worker renders it), FCM the same fields as data, APNs a visible {@link #title()} and
 * {@link #body()}.
 *
 * @param channelId   the channel
 * @param channelName its name
 * @param channelType direct or group
 * @param messageId   the message
 * @param senderId    who sent it
 * @param senderName  their name
 * @param preview     the first characters of the content, null when previews are off
 * @param mention     whether the message mentions the recipient (its own notification, never
 *                    replaced by the channel's next one)
 */
record PushMessage(String channelId, String channelName, String channelType, String messageId, long senderId,
                   String senderName, String preview, boolean mention) {

    /** @return the fields, as the notification's JSON */
    Map<String, Object> fields() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("type", "message");
        fields.put("channel_id", channelId);
        fields.put("channel_name", channelName);
        fields.put("channel_type", channelType);
        fields.put("message_id", messageId);
        fields.put("sender_id", senderId);
        fields.put("sender_name", senderName);
        if (preview != null) {
            fields.put("preview", preview);
        }
        if (mention) {
            fields.put("mention", true);
        }
        return fields;
    }

    String json() {
        return Json.encode(fields());
    }

    /** @return the sender in a direct channel, else the channel's name */
    String title() {
        return "direct".equals(channelType) ? from() : channelName;
    }

    /** @return the preview (with the sender in a group), or who wrote when previews are off */
    String body() {
        if (preview == null) {
            return (mention ? "You were mentioned by " : "New message from ") + from();
        }
        return "direct".equals(channelType) ? preview : from() + ": " + preview;
    }

    private String from() {
        return senderName == null ? "someone" : senderName;
    }

    /**
     * @return a collapse key: a newer notification of the same channel replaces an undelivered
     *         one; a mention has its message's own key, so it is never replaced
     */
    String collapseKey() {
        return (mention ? messageId : channelId).replace("-", ""); // 32 URL-safe characters, as RFC 8030's Topic allows
    }
}
