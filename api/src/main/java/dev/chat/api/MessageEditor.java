package dev.chat.api;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.chat.common.channel.ChannelWriter;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ClientFrames;
import dev.chat.common.wire.FrameException;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import dev.chat.common.wire.EmojiRules;

/**
 * Edits, deletions and reactions of stored messages. An edit (by the sender), a deletion (by the
 * sender, the group's owner or an administrator) or a reaction goes the way of a send, through the
 * {@link ChannelWriter}: the channel's step in Redis (it takes the next seq and is fanned out to the
 * members' sockets as {@code message_updated} / {@code message_deleted} / {@code reaction}), then
 * into Kafka before the answer; the persister applies it to the stored message. Only stored
 * messages can be changed: one sent a moment ago answers 404 until the persister has it.
 * Thread-safe.
 */
final class MessageEditor {

    private static final long ANSWER_SECONDS = 30;
    /** Most different emoji on one message. */
    static final int MAX_DISTINCT_EMOJI = 20;

    private final ChannelStore store;
    private final History history;
    private final ChannelWriter writer;
    private final ClientFrames frames;
    private final ApiSettings settings;

    MessageEditor(ChannelStore store, History history, ChannelWriter writer, ClientFrames frames, ApiSettings settings) {
        this.store = store;
        this.history = history;
        this.writer = writer;
        this.frames = frames;
        this.settings = settings;
    }

    /** @return the edit, placed in the channel's sequence */
    MessageUpdated edit(long caller, UUID channelId, UUID messageId, JsonBody body) {
        History.StoredMessage message = changeable(caller, channelId, messageId);
        if (message.senderId() != caller) {
            throw ApiProblem.forbidden("only its sender edits a message");
        }
        if (message.deleted()) {
            throw ApiProblem.conflict("message " + messageId + " is deleted");
        }
        String content;
        try {
            content = frames.content(body.node(), null);
        } catch (FrameException e) {
            throw e.code().equals(dev.chat.common.wire.ErrorCode.TOO_LARGE) ? ApiProblem.tooLarge(e.getMessage())
                    : ApiProblem.badRequest("content", e.getMessage());
        }
        return (MessageUpdated) write(new MessageUpdated(channelId, messageId, caller, content, null, 0, null));
    }

    /** @return the deletion placed in the channel's sequence, or null when the message was deleted already */
    MessageDeleted delete(long caller, UUID channelId, UUID messageId) {
        History.StoredMessage message = changeable(caller, channelId, messageId);
        ChannelStore.Channel channel = store.channel(channelId).orElseThrow();
        boolean owner = channel.ownerId() != null && channel.ownerId() == caller;
        if (message.senderId() != caller && !owner && !settings.admins().contains(caller)) {
            throw ApiProblem.forbidden("only its sender, the channel's owner and administrators delete a message");
        }
        if (message.deleted()) {
            return null;
        }
        return (MessageDeleted) write(new MessageDeleted(channelId, messageId, caller, null, 0, null));
    }

    /**
     * Adds or removes the caller's reaction. Idempotent: a reaction already there (or already gone)
     * changes nothing and takes no seq.
     *
     * @return the reaction placed in the channel's sequence, or null when nothing changed
     */
    Reaction react(long caller, UUID channelId, UUID messageId, String emoji, boolean add) {
        if (!EmojiRules.isEmoji(emoji)) {
            throw ApiProblem.badRequest("emoji", "not one emoji: " + (emoji.length() > 40 ? emoji.substring(0, 40) + "…" : emoji));
        }
        History.StoredMessage message = changeable(caller, channelId, messageId);
        if (message.deleted()) {
            throw ApiProblem.conflict("message " + messageId + " is deleted");
        }
        List<History.StoredReaction> reactions = history.reactionsOf(channelId, messageId);
        boolean there = reactions.stream().anyMatch(r -> r.userId() == caller && r.emoji().equals(emoji));
        if (there == add) {
            return null;
        }
        long distinct = reactions.stream().map(History.StoredReaction::emoji).distinct().count();
        if (add && reactions.stream().noneMatch(r -> r.emoji().equals(emoji)) && distinct >= MAX_DISTINCT_EMOJI) {
            throw ApiProblem.conflict("message " + messageId + " has " + MAX_DISTINCT_EMOJI + " different emoji already");
        }
        return (Reaction) write(new Reaction(channelId, messageId, caller, emoji, add ? Reaction.ADD : Reaction.REMOVE, null, 0, null));
    }

    private History.StoredMessage changeable(long caller, UUID channelId, UUID messageId) {
        if (store.channel(channelId).isEmpty()) {
            throw ApiProblem.notFound("no channel " + channelId);
        }
        boolean admin = settings.admins().contains(caller);
        if (!admin && store.membership(channelId, caller).isEmpty()) {
            throw ApiProblem.forbidden("not a member of channel " + channelId);
        }
        if (!admin && store.directBlocked(channelId, caller)) {
            throw ApiProblem.forbidden("this direct channel is read-only while one of you blocks the other");
        }
        return history.message(channelId, messageId)
                .orElseThrow(() -> ApiProblem.notFound("no message " + messageId + " in channel " + channelId
                        + " (a message sent a moment ago may not be stored yet)"));
    }

    /**
     * Through the {@link ChannelWriter} (a seq, the fan-out, Kafka) before the answer; the producer
     * keeps retrying in the background after a timeout.
     */
    private ChannelEvent write(ChannelEvent draft) {
        ChannelWriter.Outcome outcome;
        try {
            outcome = writer.append(draft).get(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.unavailable("interrupted", 1);
        } catch (ExecutionException | TimeoutException e) {
            throw notStored();
        }
        return switch (outcome) {
            case ChannelWriter.Written written -> written.event();
            case ChannelWriter.Unavailable unavailable -> throw switch (unavailable.reason()) {
                case LOG_UNHEALTHY -> ApiProblem.unavailable("Kafka is unavailable; try again", 5);
                case SEQUENCER_FAILED -> ApiProblem.unavailable("Redis is unavailable; try again", 1);
                case LOG_WRITE_FAILED -> notStored();
            };
        };
    }

    private static ApiProblem notStored() {
        return ApiProblem.unavailable("the change could not be stored in time; it may still be applied", 1);
    }
}
