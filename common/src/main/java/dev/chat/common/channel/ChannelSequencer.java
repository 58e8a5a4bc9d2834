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

    /**
     * Places and publishes an event that is not a send (an edit, a deletion, a reaction): it
     * takes the next seq.
     *
     * @param draft the event without position
     * @return the placed event
     * @throws RuntimeException if the step could not run (nothing is known to be published)
     */
    ChannelEvent append(ChannelEvent draft);
}
