package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

/**
 * A chat message: the Kafka record of {@code chat-messages}, the row the persister stores, and the
 * {@code message} frame pushed to every member's sockets.
 *
 * @param channelId the channel (the Kafka key)
 * @param messageId TIMEUUID made by the gateway; orders the channel's history
 * @param senderId  the sender's user id
 * @param clientId  the sender's idempotency key
 * @param content   the text (or a URL for images and files)
 * @param msgType   text, image or file
 * @param createdAt when the gateway accepted it (the TIMEUUID's time)
 */
public record ChatMessage(UUID channelId, UUID messageId, long senderId, String clientId, String content,
                          String msgType, Instant createdAt) implements ServerEvent {
}
