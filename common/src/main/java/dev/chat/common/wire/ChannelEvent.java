package dev.chat.common.wire;

import java.util.UUID;

import dev.chat.common.channel.ChannelPosition;

/**
 * An event that changes a channel's history and so takes the channel's next {@code seq}: a chat
 * message today; edits, deletes and reactions go through the same per-channel step.
 */
public sealed interface ChannelEvent extends ServerEvent permits ChatMessage, MessageChange {

    /** @return the channel */
    UUID channelId();

    /** @return its sequence number (0 in a draft) */
    long seq();

    /** @return the channel's sequence it belongs to (null in a draft) */
    String epoch();

    /**
     * @param position where the per-channel step put it
     * @return the event placed there
     */
    ChannelEvent at(ChannelPosition position);
}
