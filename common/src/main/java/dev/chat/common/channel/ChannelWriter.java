package dev.chat.common.channel;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.chat.common.wire.ChannelEvent;
import dev.chat.common.wire.ChatMessage;

/**
 * Appends an event to a channel: the one way sends, edits, deletions and reactions are written,
 * with one error policy. While the event log is unhealthy the event is refused before anything is
 * published; otherwise the per-channel step ({@link ChannelSequencer}) places and publishes it,
 * then the {@link EventLog} takes it, and the outcome is known once the log acknowledged. A chat
 * message is a send: a repeat with the same sender and client_id gets the first attempt's
 * position, is not published again, but is written to the log again (so a copy the members
 * already saw becomes durable). Every failure is {@link Unavailable}: the sender retries (a send
 * with the same client_id). Thread-safe; {@link #append} blocks on the sequencer (call it on a
 * virtual thread), and what follows the log's acknowledgement runs on the log's I/O thread, so it
 * only builds the outcome.
 */
public final class ChannelWriter {

    private static final System.Logger LOG = System.getLogger(ChannelWriter.class.getName());

    /** What became of an append. */
    public sealed interface Outcome permits Written, Unavailable {
    }

    /**
     * The event is placed, published (unless a repeated send) and in the log.
     *
     * @param event    the event at its position (for a repeated send: the first attempt's)
     * @param repeated whether it was a send seen before (not published again, written again)
     */
    public record Written(ChannelEvent event, boolean repeated) implements Outcome {
    }

    /**
     * The event could not be written now; retrying is safe (a send with the same client_id).
     *
     * @param reason which step failed
     */
    public record Unavailable(Reason reason) implements Outcome {
    }

    /** Which step an unavailable append failed at. */
    public enum Reason {
        /** The log's probe says it is down: refused, nothing published. */
        LOG_UNHEALTHY,
        /** The per-channel step failed (Redis unreachable): nothing written to the log. */
        SEQUENCER_FAILED,
        /**
         * The log did not acknowledge in time after the event was published: the log keeps
         * retrying in the background, and a retried send makes it durable.
         */
        LOG_WRITE_FAILED
    }

    /** What the writer measures. */
    public interface Meters {
        /** The per-channel step took this long. */
        void sequenced(Duration took);

        /** The log acknowledged an event this long after it was handed over. */
        void written(Duration took);

        /** Measures nothing. */
        Meters NONE = new Meters() {
            @Override
            public void sequenced(Duration took) {
            }

            @Override
            public void written(Duration took) {
            }
        };
    }

    private final ChannelSequencer sequencer;
    private final EventLog log;
    private final Meters meters;

    /**
     * @param sequencer the per-channel step
     * @param log       the durable log
     * @param meters    timings of both steps
     */
    public ChannelWriter(ChannelSequencer sequencer, EventLog log, Meters meters) {
        this.sequencer = sequencer;
        this.log = log;
        this.meters = meters;
    }

    /**
     * Places, publishes and logs an event. The caller has checked that its author may write to
     * the channel.
     *
     * @param draft the event without position (a {@link ChatMessage} is a send, idempotent on
     *              its sender and client_id)
     * @return completes with {@link Written} once the log acknowledged, else with {@link Unavailable}
     */
    public CompletableFuture<Outcome> append(ChannelEvent draft) {
        if (!log.healthy()) {
            return CompletableFuture.completedFuture(new Unavailable(Reason.LOG_UNHEALTHY));
        }
        ChannelSequencer.Appended placed;
        long sequencing = System.nanoTime();
        try {
            placed = draft instanceof ChatMessage send
                    ? sequencer.appendSend(send, send.senderId(), send.clientId())
                    : new ChannelSequencer.Appended(sequencer.append(draft), false);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "append to {0}: Redis step failed: {1}", draft.channelId(), e.toString());
            return CompletableFuture.completedFuture(new Unavailable(Reason.SEQUENCER_FAILED));
        }
        long start = System.nanoTime();
        meters.sequenced(Duration.ofNanos(start - sequencing));
        return log.append(placed.event()).handle((written, error) -> {
            // on the log's I/O thread: only build the outcome
            if (error != null) {
                return new Unavailable(Reason.LOG_WRITE_FAILED);
            }
            meters.written(Duration.ofNanos(System.nanoTime() - start));
            return new Written(placed.event(), placed.repeated());
        });
    }
}
