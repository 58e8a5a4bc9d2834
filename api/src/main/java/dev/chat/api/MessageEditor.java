package dev.chat.api;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.chat.common.channel.ChannelSequencer;
import dev.chat.common.channel.ChannelWriter;
import dev.chat.common.channel.MessageState;
import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ClientFrames;
import dev.chat.common.wire.FrameException;
import dev.chat.common.wire.MessageChange;
import dev.chat.common.wire.MessageDeleted;
import dev.chat.common.wire.MessageUpdated;
import dev.chat.common.wire.Reaction;
import dev.chat.common.wire.EmojiRules;

/**
 * Edits, deletions and reactions of messages. An edit (by the sender), a deletion (by the sender,
 * the group's owner or an administrator) or a reaction goes the way of a send, through the
 * {@link ChannelWriter}: the channel's step in Redis decides it on the message's state in the
 * same atomic step that gives it the next seq (so it is checked in the order members see it),
 * publishes it ({@code message_updated} / {@code message_deleted} / {@code reaction}), then it
 * goes into Kafka before the answer; the persister applies it to the stored message. The step
 * knows every message sent in the last {@code channels.messagestateseconds} (its sender, whether
 * it is deleted, its reactions), so a message can be changed right after its ack, from any api
 * instance; for an older one this class reads that state from history once and hands it over.
 * A change that changes nothing (a second deletion, a reaction already there) takes no seq.
 * Thread-safe.
 */
final class MessageEditor {

    private static final long ANSWER_SECONDS = 30;

    private final ChannelStore store;
    private final History history;
    private final ChannelWriter writer;
    private final ClientFrames frames;
    private final ApiSettings settings;
    private final DeletedFiles deletedFiles;

    MessageEditor(ChannelStore store, History history, ChannelWriter writer, ClientFrames frames, ApiSettings settings,
                  DeletedFiles deletedFiles) {
        this.store = store;
        this.history = history;
        this.writer = writer;
        this.frames = frames;
        this.settings = settings;
        this.deletedFiles = deletedFiles;
    }

    /** @return the edit, placed in the channel's sequence */
    MessageUpdated edit(long caller, UUID channelId, UUID messageId, JsonBody body) {
        mayWrite(caller, channelId);
        String content;
        try {
            content = frames.content(body.node(), null);
        } catch (FrameException e) {
            throw e.code().equals(dev.chat.common.wire.ErrorCode.TOO_LARGE) ? ApiProblem.tooLarge(e.getMessage())
                    : ApiProblem.badRequest("content", e.getMessage());
        }
        return (MessageUpdated) change(new MessageUpdated(channelId, messageId, caller, content, null, 0, null), caller,
                false, "only its sender edits a message");
    }

    /**
     * Deletes a message, then its file from the store (also when the message was deleted already:
     * a repeated DELETE finishes what a store that did not answer left).
     *
     * @return the deletion placed in the channel's sequence, or null when the message was deleted already
     */
    MessageDeleted delete(long caller, UUID channelId, UUID messageId) {
        ChannelStore.Channel channel = mayWrite(caller, channelId);
        boolean moderator = channel.ownerId() != null && channel.ownerId() == caller || settings.admins().contains(caller);
        MessageDeleted deletion = (MessageDeleted) change(new MessageDeleted(channelId, messageId, caller, null, 0, null), caller,
                moderator, "only its sender, the channel's owner and administrators delete a message");
        deletedFiles.removeFileOf(channelId, messageId);
        return deletion;
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
        mayWrite(caller, channelId);
        return (Reaction) change(new Reaction(channelId, messageId, caller, emoji, add ? Reaction.ADD : Reaction.REMOVE,
                null, 0, null), caller, false, "not allowed");
    }

    /** @return the channel, if the caller may change messages in it (a member, or an administrator) */
    private ChannelStore.Channel mayWrite(long caller, UUID channelId) {
        ChannelStore.Channel channel = store.channel(channelId)
                .orElseThrow(() -> ApiProblem.notFound("no channel " + channelId));
        boolean admin = settings.admins().contains(caller);
        if (!admin && store.membership(channelId, caller).isEmpty()) {
            throw ApiProblem.forbidden("not a member of channel " + channelId);
        }
        if (!admin && store.directBlocked(channelId, caller)) {
            throw ApiProblem.forbidden("this direct channel is read-only while one of you blocks the other");
        }
        return channel;
    }

    /**
     * Decides and writes a change; when the step does not know the message (older than its
     * memory, or sent before Redis lost its data) asks again with the state read from history.
     *
     * @return the change at its position, or null when it changed nothing
     */
    private ChannelEvent change(MessageChange draft, long caller, boolean moderator, String forbidden) {
        ChannelWriter.Outcome outcome = write(writer.change(draft, caller, moderator, null));
        if (outcome instanceof ChannelWriter.Refused refused && refused.why() == ChannelSequencer.Refusal.UNKNOWN) {
            outcome = write(writer.change(draft, caller, moderator, stored(draft)));
        }
        UUID messageId = draft.messageId();
        return switch (outcome) {
            case ChannelWriter.Written written -> written.event();
            case ChannelWriter.Refused refused -> switch (refused.why()) {
                case UNCHANGED -> null;
                case UNKNOWN -> throw ApiProblem.notFound("no message " + messageId + " in channel " + draft.channelId());
                case FORBIDDEN -> throw ApiProblem.forbidden(forbidden);
                case DELETED -> throw ApiProblem.conflict("message " + messageId + " is deleted");
                case TOO_MANY_EMOJI -> throw ApiProblem.conflict("message " + messageId + " has "
                        + MessageState.MAX_DISTINCT_EMOJI + " different emoji already");
            };
            case ChannelWriter.Unavailable unavailable -> throw switch (unavailable.reason()) {
                case LOG_UNHEALTHY -> ApiProblem.unavailable("Kafka is unavailable; try again", 5);
                case SEQUENCER_FAILED -> ApiProblem.unavailable("Redis is unavailable; try again", 1);
                case LOG_WRITE_FAILED -> notStored();
            };
        };
    }

    /** @return the message's state as history has it (the persister caught up long ago), or 404 */
    private MessageState stored(MessageChange draft) {
        UUID messageId = draft.messageId();
        History.StoredMessage message = history.message(draft.channelId(), messageId)
                .orElseThrow(() -> ApiProblem.notFound("no message " + messageId + " in channel " + draft.channelId()));
        Map<String, Set<Long>> reactions = new HashMap<>();
        history.reactionsOf(draft.channelId(), messageId)
                .forEach(r -> reactions.computeIfAbsent(r.emoji(), emoji -> new HashSet<>()).add(r.userId()));
        return new MessageState(message.senderId(), message.attachment() == null ? null
                : message.attachment().fileId().toString(), message.deleted(), reactions);
    }

    /** Waits for the outcome; the producer keeps retrying in the background after a timeout. */
    private static ChannelWriter.Outcome write(java.util.concurrent.CompletableFuture<ChannelWriter.Outcome> pending) {
        try {
            return pending.get(ANSWER_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiProblem.unavailable("interrupted", 1);
        } catch (ExecutionException | TimeoutException e) {
            throw notStored();
        }
    }

    private static ApiProblem notStored() {
        return ApiProblem.unavailable("the change could not be stored in time; it may still be applied", 1);
    }
}
