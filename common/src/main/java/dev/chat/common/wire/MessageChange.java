package dev.chat.common.wire;

import java.util.UUID;

/** A change of a message already in the channel: an edit, a deletion or a reaction. */
public sealed interface MessageChange extends ChannelEvent permits MessageUpdated, MessageDeleted, Reaction {

    /** @return the message it changes */
    UUID messageId();
}
