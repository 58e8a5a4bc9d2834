package dev.chat.common.feed;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;
import dev.chat.common.wire.EmojiRules;
import dev.chat.common.wire.Json;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import dev.chat.common.wire.ServerEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What a record of {@code chat-messages} must hold: a channel event placed in its channel (every
 * field the persister stores, a TIMEUUID message id, keyed by its channel). Every reader of the
 * topic decides the same way on the same record. Stateless.
 */
public final class ChannelRecords {

    private ChannelRecords() {
    }

    /**
     * @param record a record of chat-messages
     * @return the message, edit, deletion or reaction it holds
     * @throws Poison if it is not a storable channel event (the message says why)
     */
    public static ChannelEvent validate(ConsumerRecord<String, String> record) throws Poison {
        if (record.value() == null) {
            throw new Poison("empty value");
        }
        ServerEvent event;
        try {
            event = Json.decode(record.value(), ServerEvent.class);
        } catch (JsonProcessingException e) {
            throw new Poison("not a chat message: " + e.getOriginalMessage());
        }
        if (record.key() != null && event instanceof ChannelEvent placed && placed.channelId() != null
                && !record.key().equals(placed.channelId().toString())) {
            throw new Poison("record key " + record.key() + " is not the event's channel_id");
        }
        return switch (event) {
            case ChatMessage message -> validMessage(message);
            case MessageUpdated edit when edit.channelId() != null && timeUuid(edit.messageId()) && edit.content() != null
                    && edit.editedAt() != null && edit.seq() > 0 && edit.epoch() != null -> edit;
            case MessageDeleted deletion when deletion.channelId() != null && timeUuid(deletion.messageId())
                    && deletion.deletedAt() != null && deletion.seq() > 0 && deletion.epoch() != null -> deletion;
            case Reaction reaction when reaction.channelId() != null && timeUuid(reaction.messageId()) && reaction.at() != null
                    && reaction.seq() > 0 && reaction.epoch() != null && EmojiRules.isEmoji(reaction.emoji())
                    && (Reaction.ADD.equals(reaction.action()) || Reaction.REMOVE.equals(reaction.action())) -> reaction;
            case Reaction reaction -> throw new Poison("reaction misses channel_id, a TIMEUUID message_id, an emoji, action,"
                    + " at, seq or epoch");
            case MessageUpdated edit -> throw new Poison("message_updated misses channel_id, a TIMEUUID message_id, content,"
                    + " edited_at, seq or epoch");
            case MessageDeleted deletion -> throw new Poison("message_deleted misses channel_id, a TIMEUUID message_id,"
                    + " deleted_at, seq or epoch");
            default -> throw new Poison("not a chat message: a " + event.getClass().getSimpleName() + " event");
        };
    }

    private static boolean timeUuid(UUID id) {
        return id != null && id.version() == 1;
    }

    private static ChatMessage validMessage(ChatMessage message) throws Poison {
        if (message.channelId() == null || message.messageId() == null || message.clientId() == null
                || message.content() == null || message.createdAt() == null || message.msgType() == null) {
            throw new Poison("chat message misses channel_id, message_id, client_id, content, msg_type or created_at");
        }
        if (message.messageId().version() != 1) {
            throw new Poison("message_id is not a TIMEUUID");
        }
        return message;
    }
}
