package dev.chat.common.wire;

import java.time.Instant;
import java.util.UUID;

import dev.chat.common.channel.ChannelPosition;

/**
 * A chat message: the {@code message} frame pushed to every member's sockets, the Kafka record of
 * {@code chat-messages} and the row the persister stores. Before the per-channel step it is a
 * draft (no message_id, seq, epoch or created_at); {@link #at} places it.
 *
 * @param channelId the channel (the Kafka key)
 * @param messageId TIMEUUID minted by the per-channel step; orders the channel's history
 * @param senderId  the sender's user id
 * @param clientId  the sender's idempotency key
 * @param content   the text (or a URL for images and files)
 * @param msgType   text, image or file
 * @param createdAt the TIMEUUID's time
 * @param seq       the channel's sequence number of this message
 * @param epoch     the channel's sequence it belongs to
 * @param attachment the file it carries, or null
 * @param replyTo   the root of the thread it is a reply in, or null (a reply to a reply belongs to
 *                  the same root)
 * @param mentions  the members its content names ({@code @name}, {@code @channel}), resolved at send
 */
public record ChatMessage(UUID channelId, UUID messageId, long senderId, String clientId, String content,
                          String msgType, Instant createdAt, long seq, String epoch,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          Attachment attachment,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                          UUID replyTo,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
                          java.util.List<Long> mentions) implements ChannelEvent {

    /** No mentions is an empty list. */
    public ChatMessage {
        mentions = mentions == null ? java.util.List.of() : java.util.List.copyOf(mentions);
    }

    /** A message without a file, not a reply. */
    public ChatMessage(UUID channelId, UUID messageId, long senderId, String clientId, String content, String msgType,
                       Instant createdAt, long seq, String epoch) {
        this(channelId, messageId, senderId, clientId, content, msgType, createdAt, seq, epoch, null, null, null);
    }

    /** A message that is not a reply. */
    public ChatMessage(UUID channelId, UUID messageId, long senderId, String clientId, String content, String msgType,
                       Instant createdAt, long seq, String epoch, Attachment attachment) {
        this(channelId, messageId, senderId, clientId, content, msgType, createdAt, seq, epoch, attachment, null, null);
    }

    /**
     * @param channelId the channel
     * @param senderId  the sender
     * @param clientId  the sender's idempotency key
     * @param content   the text
     * @param msgType   text, image or file
     * @return a message not yet placed in its channel
     */
    public static ChatMessage draft(UUID channelId, long senderId, String clientId, String content, String msgType) {
        return new ChatMessage(channelId, null, senderId, clientId, content, msgType, null, 0, null, null, null, null);
    }

    /**
     * @param attachment the file it carries, or null
     * @return this draft with a file
     */
    public ChatMessage with(Attachment attachment) {
        return new ChatMessage(channelId, messageId, senderId, clientId, content, msgType, createdAt, seq, epoch, attachment,
                replyTo, mentions);
    }

    /**
     * @param root the message it replies to (its thread's root), or null
     * @return this message as a reply
     */
    public ChatMessage replyingTo(UUID root) {
        return new ChatMessage(channelId, messageId, senderId, clientId, content, msgType, createdAt, seq, epoch, attachment,
                root, mentions);
    }

    /**
     * @param users the members its content names (resolved at send)
     * @return this message mentioning them
     */
    public ChatMessage mentioning(java.util.List<Long> users) {
        return new ChatMessage(channelId, messageId, senderId, clientId, content, msgType, createdAt, seq, epoch, attachment,
                replyTo, users);
    }

    @Override
    public ChatMessage at(ChannelPosition position) {
        return new ChatMessage(channelId, position.messageId(), senderId, clientId, content, msgType,
                position.createdAt(), position.seq(), position.epoch(), attachment, replyTo, mentions);
    }
}
