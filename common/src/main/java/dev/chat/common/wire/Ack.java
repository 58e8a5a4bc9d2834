package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

/**
 * The answer to a send: the message is durable in Kafka under {@code messageId}.
 *
 * @param clientId  the client's idempotency key of the send
 * @param channelId the channel
 * @param messageId the message's TIMEUUID
 * @param createdAt the message_id's time
 * @param seq       the message's seq in its channel
 * @param epoch     the channel's sequence it belongs to
 */
public record Ack(String clientId, UUID channelId, UUID messageId, Instant createdAt, long seq, String epoch)
        implements ServerEvent {
}
