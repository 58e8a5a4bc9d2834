package dev.chat.common.channel;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.chat.common.wire.ChannelEvent;

/**
 * An in-memory {@link ChannelSequencer} with the Redis step's rules: per-channel epoch and seq,
 * send entries by (channel, sender, client_id), and a record of what it published. It can fail
 * (as an unreachable Redis), lose its state (as a Redis restarted empty) and refuse a change.
 * Thread-safe.
 */
final class FakeChannelSequencer implements ChannelSequencer {

    private static final long NODE = 0x8000_0000_0000_0001L;
    private static final long SECONDS = 1_764_400_000L;

    private record State(String epoch, long seq) {
    }

    private record SendKey(UUID channel, long senderId, String clientId) {
    }

    private final Map<UUID, State> states = new HashMap<>();
    private final Map<SendKey, ChannelEvent> sends = new HashMap<>();
    private final List<ChannelEvent> published = new ArrayList<>();
    private int epochs;
    private long ticks;
    private RuntimeException failure;
    private Refusal refusal;

    @Override
    public synchronized Appended appendSend(ChannelEvent draft, long senderId, String clientId) {
        failIfDown();
        SendKey key = new SendKey(draft.channelId(), senderId, clientId);
        ChannelEvent first = sends.get(key);
        if (first != null) {
            return new Appended(first, true);
        }
        ChannelEvent placed = place(draft);
        sends.put(key, placed);
        return new Appended(placed, false);
    }

    /**
     * Places every change unless told to refuse the next one: the rules on a message's state are
     * the Lua script's, tested against Redis (ChannelSequenceIT), not modelled here.
     */
    @Override
    public synchronized Decision change(ChannelEvent draft, long authorId, boolean mayDeleteOthers, MessageState known) {
        failIfDown();
        if (refusal != null) {
            Refusal why = refusal;
            refusal = null;
            return new Refused(why);
        }
        return new Placed(place(draft));
    }

    /** The next change is refused with this reason. */
    synchronized void refuseNext(Refusal why) {
        refusal = why;
    }

    /** From now on every call throws, as when Redis is unreachable. */
    synchronized void goDown() {
        failure = new IllegalStateException("Redis connection refused (fake)");
    }

    /** Calls work again. */
    synchronized void comeBack() {
        failure = null;
    }

    /** Forgets every channel's sequence and send entry, as a Redis restarted without its data. */
    synchronized void loseState() {
        states.clear();
        sends.clear();
    }

    /** @return every event published so far, in order */
    synchronized List<ChannelEvent> published() {
        return List.copyOf(published);
    }

    private ChannelEvent place(ChannelEvent draft) {
        State state = states.get(draft.channelId());
        State next = state == null ? new State("epoch" + ++epochs, 1) : new State(state.epoch(), state.seq() + 1);
        states.put(draft.channelId(), next);
        ticks++;
        ChannelEvent placed = draft.at(new ChannelPosition(next.epoch(), next.seq(), SECONDS + ticks / 10_000_000,
                ticks % 10_000_000, NODE));
        published.add(placed);
        return placed;
    }

    private void failIfDown() {
        if (failure != null) {
            throw failure;
        }
    }
}
