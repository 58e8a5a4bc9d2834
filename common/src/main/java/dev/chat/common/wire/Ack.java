package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

/**
 * The answer to a send: the message is durable in Kafka under {@code messageId}.
 *
 * @param clientId  the client's idempotency key of the send
 * @param channelId the channel
 * @param messageId the TIMEUUID the gateway gave the message
 * @param createdAt when the gateway accepted it
 */
public record Ack(String clientId, UUID channelId, UUID messageId, Instant createdAt) implements ServerEvent {
}
