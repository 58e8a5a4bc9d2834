package dev.chat.common.wire;

import java.util.List;
import java.util.UUID;

/** A frame a client sends, decoded and validated by {@link ClientFrames}. */
public sealed interface ClientFrame {

    /**
     * {@code message}: store and fan out.
     *
     * @param channelId the channel
     * @param clientId  the client's idempotency key (at most 64 characters)
     * @param content   the text
     * @param msgType   text, image or file
     * @param attachment the file it carries, or null
     * @param replyTo   the message of the same channel it replies to (its thread), or null
     */
    record Send(UUID channelId, String clientId, String content, String msgType, Attachment attachment,
                UUID replyTo) implements ClientFrame {
        /** A send without a file, not a reply. */
        public Send(UUID channelId, String clientId, String content, String msgType) {
            this(channelId, clientId, content, msgType, null, null);
        }
    }

    /**
     * {@code typing_start} / {@code typing_stop}.
     *
     * @param channelId the channel
     * @param start     true for start
     */
    record Typing(UUID channelId, boolean start) implements ClientFrame {
    }

    /** {@code heartbeat}: refreshes presence. */
    record Heartbeat() implements ClientFrame {
    }

    /**
     * {@code subscribe_presence}: receive presence events of these users.
     *
     * @param userIds the users
     */
    record SubscribePresence(List<Long> userIds) implements ClientFrame {
    }

    /**
     * {@code resume}: send every event of the channel after {@code afterSeq}, or say {@code resync}.
     *
     * @param channelId the channel
     * @param epoch     the epoch the client's seq belongs to (null if it has none)
     * @param afterSeq  the last seq the client has
     */
    record Resume(UUID channelId, String epoch, long afterSeq) implements ClientFrame {
    }
}
