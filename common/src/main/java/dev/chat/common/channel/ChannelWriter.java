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
 * already saw becomes durable). A change of a message is decided by the step on the message's
 * state, in sequence order: one that must not happen, or changes nothing, is {@link Refused}
 * before anything is published. Every failure is {@link Unavailable}: the sender retries (a send
 * with the same client_id). Thread-safe; {@link #append} and {@link #change} block on the
 * sequencer (call them on a virtual thread), and what follows the log's acknowledgement runs on the log's I/O thread, so it
 * only builds the outcome.
 */
public final class ChannelWriter {

    private static final System.Logger LOG = System.getLogger(ChannelWriter.class.getName());

    /** What became of an append. */
    public sealed interface Outcome permits Written, Refused, Unavailable {
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
     * A change of a message that must not happen (or changes nothing): nothing was published or logged.
     *
     * @param why the per-channel step's reason
     */
    public record Refused(ChannelSequencer.Refusal why) implements Outcome {
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
     * Places, publishes and logs a send. The caller has checked that its author may write to the
     * channel.
     *
     * @param send the message without position (idempotent on its sender and client_id)
     * @return completes with {@link Written} once the log acknowledged, else with {@link Unavailable}
     */
    public CompletableFuture<Outcome> append(ChatMessage send) {
        return write(() -> {
            ChannelSequencer.Appended placed = sequencer.appendSend(send, send.senderId(), send.clientId());
            return new Written(placed.event(), placed.repeated());
        });
    }

    /**
     * Decides a change of a message (edit, deletion, reaction) in the per-channel step and, if it
     * happens, logs it. The caller has checked that its author may write to the channel.
     *
     * @param draft           the change without position
     * @param authorId        who makes it
     * @param mayDeleteOthers whether the author may delete others' messages
     * @param known           the message's state from history after a {@link ChannelSequencer.Refusal#UNKNOWN}, else null
     * @return completes with {@link Written} once the log acknowledged, {@link Refused} at once,
     *         else with {@link Unavailable}
     */
    public CompletableFuture<Outcome> change(ChannelEvent draft, long authorId, boolean mayDeleteOthers, MessageState known) {
        return write(() -> switch (sequencer.change(draft, authorId, mayDeleteOthers, known)) {
            case ChannelSequencer.Placed placed -> new Written(placed.event(), false);
            case ChannelSequencer.Refused refused -> new Refused(refused.why());
        });
    }

    /** The one error policy: refuse while the log is unhealthy, then the step, then the log. */
    private CompletableFuture<Outcome> write(java.util.function.Supplier<Outcome> step) {
        if (!log.healthy()) {
            return CompletableFuture.completedFuture(new Unavailable(Reason.LOG_UNHEALTHY));
        }
        Outcome decided;
        long sequencing = System.nanoTime();
        try {
            decided = step.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Redis step failed: {0}", e.toString());
            return CompletableFuture.completedFuture(new Unavailable(Reason.SEQUENCER_FAILED));
        }
        long start = System.nanoTime();
        meters.sequenced(Duration.ofNanos(start - sequencing));
        if (!(decided instanceof Written written)) {
            return CompletableFuture.completedFuture(decided);
        }
        return log.append(written.event()).handle((ignored, error) -> {
            // on the log's I/O thread: only build the outcome
            if (error != null) {
                return new Unavailable(Reason.LOG_WRITE_FAILED);
            }
            meters.written(Duration.ofNanos(System.nanoTime() - start));
            return written;
        });
    }
}
