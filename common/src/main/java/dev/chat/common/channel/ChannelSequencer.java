package dev.chat.common.channel;

import dev.chat.common.wire.ChannelEvent;

/**
 * The per-channel step: places an event in its channel's sequence (epoch, seq, a message time
 * that grows with seq) and publishes it to the channel's members in one atomic step, so every
 * instance sees a channel's events in one order. A send is placed once per (sender, client_id):
 * a repeat gets the first attempt's position and is not published again. Implementations are
 * thread-safe and may block.
 */
public interface ChannelSequencer {

    /**
     * What the step did with a send.
     *
     * @param event    the event at its position (for a repeated send: the first attempt's, when
     *                 the step still has it, else the draft at the first position)
     * @param repeated whether the send had been seen before (nothing was published this time)
     */
    record Appended(ChannelEvent event, boolean repeated) {
    }

    /**
     * Places and publishes a send unless the same (sender, client_id) was seen before.
     *
     * @param draft    the event without position
     * @param senderId the sender
     * @param clientId the sender's idempotency key
     * @return the placed event and whether it was a repeat
     * @throws RuntimeException if the step could not run (nothing is known to be published)
     */
    Appended appendSend(ChannelEvent draft, long senderId, String clientId);

    /** Why a change of a message does not happen. */
    enum Refusal {
        /** The step has no state of the message: ask again with it (from history), or it does not exist. */
        UNKNOWN,
        /** The author may not make this change (edits: only the sender; deletions: the sender or a moderator). */
        FORBIDDEN,
        /** The message is deleted: it cannot be edited or reacted to. */
        DELETED,
        /** Nothing to change (deleted already, the reaction is there already or gone already): no seq taken. */
        UNCHANGED,
        /** Adding the reaction would put more than {@link MessageState#MAX_DISTINCT_EMOJI} different emoji on the message. */
        TOO_MANY_EMOJI
    }

    /** What the step decided about a change. */
    sealed interface Decision permits Placed, Refused {
    }

    /**
     * The change is placed in the sequence and published.
     *
     * @param event the change at its position
     */
    record Placed(ChannelEvent event) implements Decision {
    }

    /**
     * The change does not happen; nothing is published.
     *
     * @param why the reason
     */
    record Refused(Refusal why) implements Decision {
    }

    /**
     * Decides a change of a message (an edit, a deletion, a reaction added or removed) on the
     * message's state and, if it changes something, places and publishes it (it takes the next
     * seq) and updates the state, atomically: changes are checked in the order they are sequenced.
     *
     * @param draft           a {@code MessageUpdated}, {@code MessageDeleted} or {@code Reaction} without position
     * @param authorId        who makes the change
     * @param mayDeleteOthers whether the author may delete others' messages (the channel's owner, an administrator)
     * @param known           the message's state from history, after an {@link Refusal#UNKNOWN}; else null
     * @return placed, or refused and why
     * @throws RuntimeException if the step could not run (nothing is known to be published)
     */
    Decision change(ChannelEvent draft, long authorId, boolean mayDeleteOthers, MessageState known);
}
