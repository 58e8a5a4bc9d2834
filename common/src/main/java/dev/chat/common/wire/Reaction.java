package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.channel.ChannelPosition;

/**
 * A member added or removed an emoji reaction on a message. It takes its place in the channel's
 * sequence like a message (so {@code resume} replays it); history shows each message's reactions
 * as counts.
 *
 * @param channelId the channel
 * @param messageId the message reacted to
 * @param userId    who reacted
 * @param emoji     the emoji (one grapheme)
 * @param action    {@code add} or {@code remove}
 * @param at        when (the event's time in the channel's sequence)
 * @param seq       its position in the channel's sequence
 * @param epoch     the sequence it belongs to
 */
public record Reaction(UUID channelId, UUID messageId, long userId, String emoji, String action, Instant at, long seq,
                       String epoch) implements MessageChange {

    /** Adding a reaction. */
    public static final String ADD = "add";
    /** Removing one. */
    public static final String REMOVE = "remove";

    @Override
    public Reaction at(ChannelPosition position) {
        return new Reaction(channelId, messageId, userId, emoji, action, position.createdAt(), position.seq(), position.epoch());
    }
}
