package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.channel.ChannelPosition;

/**
 * A message was deleted by its sender or the channel's owner. It takes its place in the channel's
 * sequence like a message; history keeps a tombstone (status {@code deleted}, no content).
 *
 * @param channelId the channel
 * @param messageId the message deleted
 * @param deletedBy who deleted it
 * @param deletedAt when (the event's time in the channel's sequence)
 * @param seq       its position in the channel's sequence
 * @param epoch     the sequence it belongs to
 */
public record MessageDeleted(UUID channelId, UUID messageId, long deletedBy, Instant deletedAt, long seq, String epoch)
        implements MessageChange {

    @Override
    public MessageDeleted at(ChannelPosition position) {
        return new MessageDeleted(channelId, messageId, deletedBy, position.createdAt(), position.seq(), position.epoch());
    }
}
