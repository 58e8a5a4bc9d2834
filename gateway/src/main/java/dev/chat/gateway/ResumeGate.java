package dev.chat.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps one socket's stream of one channel contiguous around a {@code resume}: while the replay
 * is being read, live events of the channel are held back; afterwards, live events the replay
 * already covered (a late Pub/Sub copy of seq ≤ the replayed seq, same epoch) are dropped.
 * A replay longer than the socket's queue is written at the pace the client reads it. Thread-safe:
 * the replay is written while live events are still held back, and everything else holds the
 * gate's lock, so replayed and live frames reach the outbox in one order.
 */
final class ResumeGate {

    /** How long a replay waits for the client to read before the socket counts as a slow consumer. */
    static final java.time.Duration REPLAY_PACE_LIMIT = java.time.Duration.ofSeconds(10);

    private final Outbox outbox;
    private final int maxHeld;
    private boolean replaying;
    private String epoch;
    private long floor;
    private List<Held> held = new ArrayList<>();

    private record Held(String epoch, long seq, String frame) {
    }

    ResumeGate(Outbox outbox, int maxHeld) {
        this.outbox = outbox;
        this.maxHeld = maxHeld;
    }

    /** Starts holding back live events (the replay is about to be read). */
    synchronized void hold() {
        replaying = true;
    }

    /**
     * Delivers a live event, or holds it during a replay, or drops it if the replay covered it.
     *
     * @param eventEpoch its epoch
     * @param seq        its seq
     * @param frame      its frame
     */
    synchronized void live(String eventEpoch, long seq, String frame) {
        if (replaying) {
            if (held.size() >= maxHeld) {
                // the socket is not keeping up either way; it resumes on its next connection
                outbox.close(Outbox.SLOW_CONSUMER, "slow consumer");
                return;
            }
            held.add(new Held(eventEpoch, seq, frame));
        } else if (!covered(eventEpoch, seq)) {
            outbox.send(frame, false);
        }
    }

    /**
     * Writes the replay, then the live events held meanwhile that it did not cover, and lets
     * live events through again.
     *
     * @param frames       the replayed events and the closing resumed/resync frame, in order
     * @param replayEpoch  the channel's epoch the replay reached
     * @param replaySeq    the seq it reached (0 after a resync: nothing is covered)
     */
    void release(List<String> frames, String replayEpoch, long replaySeq) {
        // outside the lock: live events keep being held (not blocked) while a long replay is paced
        for (String frame : frames) {
            if (!outbox.sendPaced(frame, REPLAY_PACE_LIMIT)) {
                break; // the socket is closing
            }
        }
        flushHeld(replayEpoch, replaySeq);
    }

    private synchronized void flushHeld(String replayEpoch, long replaySeq) {
        epoch = replayEpoch;
        floor = replaySeq;
        for (Held event : held) {
            if (!covered(event.epoch(), event.seq())) {
                outbox.send(event.frame(), false);
            }
        }
        held = new ArrayList<>();
        replaying = false;
    }

    private boolean covered(String eventEpoch, long seq) {
        return seq <= floor && eventEpoch != null && eventEpoch.equals(epoch);
    }
}
