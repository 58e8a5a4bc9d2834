package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.channel.ChannelPosition;

/**
 * A message's content was edited by its sender. It takes its place in the channel's sequence like
 * a message (so {@code resume} replays it); history keeps only the latest content, with
 * {@code edited_at}.
 *
 * @param channelId the channel
 * @param messageId the message edited
 * @param editorId  who edited it (its sender)
 * @param content   the new content
 * @param editedAt  when (the event's time in the channel's sequence)
 * @param seq       its position in the channel's sequence
 * @param epoch     the sequence it belongs to
 */
public record MessageUpdated(UUID channelId, UUID messageId, long editorId, String content, Instant editedAt, long seq,
                             String epoch) implements MessageChange {

    @Override
    public MessageUpdated at(ChannelPosition position) {
        return new MessageUpdated(channelId, messageId, editorId, content, position.createdAt(), position.seq(), position.epoch());
    }
}
