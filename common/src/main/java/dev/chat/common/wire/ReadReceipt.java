package dev.chat.common.wire;

import java.util.UUID;

/**
 * A member's read position moved forward.
 *
 * @param channelId         the channel
 * @param userId            the reader
 * @param lastReadMessageId the newest message they have read
 */
public record ReadReceipt(UUID channelId, long userId, UUID lastReadMessageId) implements ServerEvent {
}
